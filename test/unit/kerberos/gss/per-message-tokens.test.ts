import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { getProfile, randomKey, supportedEtypes } from '../../../../security/kerberos/crypto/index.ts';
import {
  makeMicToken,
  makeWrapToken,
  openWrapToken,
  parseTokenHeader,
  TOKEN_FLAG,
  verifyMicToken,
  wrapSizeLimit,
} from '../../../../security/kerberos/gss/per-message-tokens.ts';
import { GssSecurityContext } from '../../../../security/kerberos/gss/security-context.ts';
import { GSS_FLAGS } from '../../../../security/kerberos/gss/authenticator-checksum.ts';

/** Right-rotates the bytes after the 16-byte header by `rrc` and sets the RRC field, as Windows/MIT DCE do. */
function rotate(token: Buffer, rrc: number): Buffer {
  const h = Buffer.from(token.subarray(0, 16));
  const d = token.subarray(16);
  const r = rrc % d.length;
  h.writeUInt16BE(rrc, 6);
  return Buffer.concat([h, d.subarray(d.length - r), d.subarray(0, d.length - r)]);
}

const ALL = GSS_FLAGS.MUTUAL | GSS_FLAGS.REPLAY | GSS_FLAGS.SEQUENCE | GSS_FLAGS.CONF | GSS_FLAGS.INTEG;
const alice = { name: { nameType: 1, components: ['alice'] }, realm: 'R' };
const nn = { name: { nameType: 2, components: ['nn', 'localhost'] }, realm: 'R' };

for (const etype of supportedEtypes) {
  const profile = getProfile(etype);
  describe(`RFC 4121 per-message tokens, ${profile.name}`, () => {
    const k = { profile, key: randomKey(etype).value };

    it('Wrap with confidentiality: header, EC 0, RRC 0, round trip, any RRC on input', () => {
      const msg = randomBytes(1000);
      const t = makeWrapToken(k, TOKEN_FLAG.ACCEPTOR_SUBKEY, 7n, msg, { conf: true });
      expect(t.subarray(0, 8).toString('hex')).to.equal('050406ff00000000');
      expect(t.readBigUInt64BE(8)).to.equal(7n);
      expect(t.length).to.equal(16 + 16 + msg.length + 16 + profile.checksumLength);
      expect(openWrapToken(k, t).plaintext.equals(msg)).to.equal(true);
      for (const rrc of [12, 28, 5000]) expect(openWrapToken(k, rotate(t, rrc)).plaintext.equals(msg)).to.equal(true);
    });

    it('Wrap without confidentiality carries the plaintext in clear with EC = checksum length', () => {
      const msg = Buffer.from('hello hadoop');
      const t = makeWrapToken(k, TOKEN_FLAG.SENT_BY_ACCEPTOR, 1n, msg, { conf: false });
      const h = parseTokenHeader(t);
      expect(h.flags).to.equal(TOKEN_FLAG.SENT_BY_ACCEPTOR);
      expect(h.ec).to.equal(profile.checksumLength);
      expect(t.subarray(16, 16 + msg.length).equals(msg)).to.equal(true);
      const r = openWrapToken(k, rotate(t, 3));
      expect(r.plaintext.equals(msg)).to.equal(true);
      expect(r.conf).to.equal(false);
    });

    it('a flipped bit anywhere in a Wrap token is GSS_BAD_MIC', () => {
      for (const conf of [true, false]) {
        const t = makeWrapToken(k, 0, 0n, Buffer.from('payload bytes'), { conf });
        for (const pos of [2, 9, 20, t.length - 1]) {
          const bad = Buffer.from(t);
          bad[pos]! ^= pos === 2 ? 0x01 : 0x40;
          expect(() => openWrapToken(k, bad), `conf=${conf} pos=${pos}`).to.throw().with.property('code', 'GSS_BAD_MIC');
        }
      }
    });

    it('MIC: 04 04 header with 0xFF filler, verifies only its own message', () => {
      const t = makeMicToken(k, 0, 42n, Buffer.from('abc'));
      expect(t.subarray(0, 8).toString('hex')).to.equal('040400ffffffffff');
      expect(verifyMicToken(k, t, Buffer.from('abc')).seq).to.equal(42n);
      expect(() => verifyMicToken(k, t, Buffer.from('abd'))).to.throw().with.property('code', 'GSS_BAD_MIC');
    });

    it('wrapSizeLimit matches the real token overhead', () => {
      for (const conf of [true, false]) {
        const n = wrapSizeLimit(profile, conf, 65536);
        expect(makeWrapToken(k, 0, 0n, Buffer.alloc(n), { conf }).length).to.equal(65536);
      }
    });

    it('contexts: initiator and acceptor exchange tokens with the acceptor subkey, sequence-checked', () => {
      const sessionKey = randomKey(etype);
      const isub = randomKey(etype);
      const asub = randomKey(etype);
      const base = { initiatorName: alice, acceptorName: nn, sessionKey, initiatorSubkey: isub, acceptorSubkey: asub, flags: ALL, endTime: 0 };
      const ini = new GssSecurityContext({ ...base, role: 'initiator', sendSeq: 100, recvSeq: 900 });
      const acc = new GssSecurityContext({ ...base, role: 'acceptor', sendSeq: 900, recvSeq: 100 });
      const w1 = ini.wrap(Buffer.from('one'), true);
      expect(w1[2]).to.equal(TOKEN_FLAG.SEALED | TOKEN_FLAG.ACCEPTOR_SUBKEY);
      expect(acc.unwrap(w1).data.toString()).to.equal('one');
      const w2 = acc.wrap(Buffer.from('two'), false);
      expect(w2[2]).to.equal(TOKEN_FLAG.SENT_BY_ACCEPTOR | TOKEN_FLAG.ACCEPTOR_SUBKEY);
      expect(ini.unwrap(w2).data.toString()).to.equal('two');
      expect(() => acc.unwrap(w1)).to.throw().with.property('code', 'GSS_SEQUENCE');
      acc.verifyMic(Buffer.from('m'), ini.getMic(Buffer.from('m')));
      // a token reflected back to its sender
      expect(() => ini.unwrap(ini.wrap(Buffer.from('x'), true))).to.throw().with.property('code', 'GSS_DEFECTIVE_TOKEN');
      // that token (seq 102) never reached the acceptor: the next one is a gap
      expect(() => acc.unwrap(ini.wrap(Buffer.from('y'), true))).to.throw().with.nested.property('details.kind', 'gap');
    });

    it('contexts without any subkey use the ticket session key (RFC 4121 section 2)', () => {
      const sessionKey = randomKey(etype);
      const base = { initiatorName: alice, acceptorName: nn, sessionKey, flags: ALL, endTime: 0 };
      const ini = new GssSecurityContext({ ...base, role: 'initiator', sendSeq: 5, recvSeq: 5 });
      const t = ini.wrap(Buffer.from('plain'), false);
      expect(openWrapToken({ profile, key: sessionKey.value }, t).plaintext.toString()).to.equal('plain');
    });

    it('contexts without an acceptor subkey use the initiator subkey in both directions', () => {
      const sessionKey = randomKey(etype);
      const isub = randomKey(etype);
      const base = { initiatorName: alice, acceptorName: nn, sessionKey, initiatorSubkey: isub, flags: ALL, endTime: 0 };
      const ini = new GssSecurityContext({ ...base, role: 'initiator', sendSeq: 1, recvSeq: 1 });
      const acc = new GssSecurityContext({ ...base, role: 'acceptor', sendSeq: 1, recvSeq: 1 });
      const t = acc.wrap(Buffer.from('reply'), true);
      expect(t[2]).to.equal(TOKEN_FLAG.SENT_BY_ACCEPTOR | TOKEN_FLAG.SEALED);
      expect(openWrapToken({ profile, key: isub.value }, t).plaintext.toString()).to.equal('reply');
      expect(ini.unwrap(t).data.toString()).to.equal('reply');
    });
  });
}
