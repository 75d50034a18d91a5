import { expect } from 'chai';
import { decodeInitialToken, encodeInitialToken, TOK_ID } from '../../../../security/kerberos/gss/framing.ts';
import { decodeAuthenticatorChecksum, encodeAuthenticatorChecksum, GSS_FLAGS, hasNoBindings } from '../../../../security/kerberos/gss/authenticator-checksum.ts';

describe('gss framing (RFC 2743 3.1 / RFC 1964 1.1)', () => {
  it('frames a short AP-REQ with a one-byte length and the krb5 OID', () => {
    const t = encodeInitialToken({ tokenId: TOK_ID.AP_REQ, body: Buffer.from([0x6e, 0x00]) });
    // 0x60 len | 06 09 2a864886f712010202 | 01 00 | body
    expect(t.toString('hex')).to.equal('600f06092a864886f71201020201006e00');
    const back = decodeInitialToken(t);
    expect(back.tokenId).to.equal(TOK_ID.AP_REQ);
    expect(back.body.toString('hex')).to.equal('6e00');
  });

  it('uses a long-form DER length past 127 bytes and round-trips', () => {
    const body = Buffer.alloc(300, 7);
    const t = encodeInitialToken({ tokenId: TOK_ID.AP_REP, body });
    expect(t[1]).to.equal(0x82);
    expect(t.readUInt16BE(2)).to.equal(300 + 13);
    const back = decodeInitialToken(t);
    expect(back.tokenId).to.equal(TOK_ID.AP_REP);
    expect(back.body.equals(body)).to.equal(true);
  });

  it('rejects a foreign mechanism, a bad frame and a length mismatch with GSS_DEFECTIVE_TOKEN', () => {
    const good = encodeInitialToken({ tokenId: TOK_ID.AP_REQ, body: Buffer.from([1, 2, 3]) });
    const spnego = Buffer.from(good);
    spnego[12] = 0x05; // change the last OID arc
    for (const bad of [spnego, Buffer.from([0x30, 0x00]), good.subarray(0, good.length - 1)]) {
      expect(() => decodeInitialToken(bad)).to.throw().with.property('code', 'GSS_DEFECTIVE_TOKEN');
    }
  });
});

describe('gss authenticator checksum 0x8003 (RFC 4121 4.1.1)', () => {
  it('encodes Lgth 16, zero Bnd and little-endian flags', () => {
    const flags = GSS_FLAGS.MUTUAL | GSS_FLAGS.REPLAY | GSS_FLAGS.SEQUENCE | GSS_FLAGS.CONF | GSS_FLAGS.INTEG;
    const c = encodeAuthenticatorChecksum(flags);
    expect(c.toString('hex')).to.equal('10000000' + '00'.repeat(16) + '3e000000');
    const back = decodeAuthenticatorChecksum(c);
    expect(back.flags).to.equal(0x3e);
    expect(hasNoBindings(back)).to.equal(true);
  });

  it('rejects short values and a wrong Lgth', () => {
    expect(() => decodeAuthenticatorChecksum(Buffer.alloc(20))).to.throw().with.property('code', 'GSS_DEFECTIVE_TOKEN');
    const c = encodeAuthenticatorChecksum(2);
    c.writeUInt32LE(17, 0);
    expect(() => decodeAuthenticatorChecksum(c)).to.throw().with.property('code', 'GSS_DEFECTIVE_TOKEN');
  });

  it('reads a delegation field when DELEG is set (as MIT sends it)', () => {
    const c = Buffer.alloc(28 + 3);
    c.writeUInt32LE(16, 0);
    c.writeUInt32LE(GSS_FLAGS.DELEG | GSS_FLAGS.MUTUAL, 20);
    c.writeUInt16LE(1, 24);
    c.writeUInt16LE(3, 26);
    c.set([9, 8, 7], 28);
    const back = decodeAuthenticatorChecksum(c);
    expect(back.delegation?.toString('hex')).to.equal('090807');
  });
});
