/**
 * RFC 4121 tokens produced by the JDK on both sides of a real context
 * (vectors/jdk-rfc4121-tokens.json, see its `source`): we open every Wrap token and verify every
 * MIC with the recorded context key and the right direction, and we re-create the deterministic
 * ones (MIC, integrity-only Wrap) byte for byte from key, flags, sequence number and plaintext.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { getProfile, profileByName } from '../../../../security/kerberos/crypto/index.ts';
import { makeMicToken, makeWrapToken, openWrapToken, parseTokenHeader, TOKEN_FLAG, verifyMicToken } from '../../../../security/kerberos/gss/per-message-tokens.ts';

interface Vector {
  enctype: string;
  keyEtype: number;
  contextKeyHex: string;
  tokens: Array<{ sender: 'initiator' | 'acceptor'; kind: 'wrap-conf' | 'wrap-integ' | 'mic'; plaintextHex: string; tokenHex: string }>;
}
const doc = JSON.parse(readFileSync(new URL('./vectors/jdk-rfc4121-tokens.json', import.meta.url), 'utf8')) as { source: string; vectors: Vector[] };

describe('RFC 4121 tokens from the JDK (recorded vectors)', () => {
  it('has a source and all four AES enctypes', () => {
    expect(doc.source).to.match(/JDK/);
    expect(doc.vectors.map((v) => v.keyEtype).sort()).to.deep.equal([17, 18, 19, 20]);
  });

  for (const v of doc.vectors) {
    describe(v.enctype, () => {
      const profile = getProfile(v.keyEtype);
      const k = { profile, key: Buffer.from(v.contextKeyHex, 'hex') };

      it('the context key is of the ticket enctype', () => {
        expect(profileByName(v.enctype).etype).to.equal(v.keyEtype);
        expect(k.key.length).to.equal(profile.keyLength);
      });

      it('opens every Wrap token and verifies every MIC, with the sender flag and no acceptor subkey', () => {
        for (const t of v.tokens) {
          const token = Buffer.from(t.tokenHex, 'hex');
          const plain = Buffer.from(t.plaintextHex, 'hex');
          const hdr = parseTokenHeader(token);
          expect(hdr.flags & TOKEN_FLAG.SENT_BY_ACCEPTOR).to.equal(t.sender === 'acceptor' ? TOKEN_FLAG.SENT_BY_ACCEPTOR : 0);
          expect(hdr.flags & TOKEN_FLAG.ACCEPTOR_SUBKEY).to.equal(0);
          if (t.kind === 'mic') {
            verifyMicToken(k, token, plain);
          } else {
            const r = openWrapToken(k, token);
            expect(r.conf).to.equal(t.kind === 'wrap-conf');
            expect(r.plaintext.equals(plain)).to.equal(true);
          }
        }
      });

      it('re-creates the JDK MIC and integrity-only Wrap tokens byte for byte', () => {
        let checked = 0;
        for (const t of v.tokens) {
          if (t.kind === 'wrap-conf') continue;
          const token = Buffer.from(t.tokenHex, 'hex');
          const hdr = parseTokenHeader(token);
          const plain = Buffer.from(t.plaintextHex, 'hex');
          const ours = t.kind === 'mic' ? makeMicToken(k, hdr.flags, hdr.seq, plain) : makeWrapToken(k, hdr.flags, hdr.seq, plain, { conf: false });
          expect(ours.toString('hex'), `${t.sender} ${t.kind} ${plain.length} bytes`).to.equal(t.tokenHex);
          checked++;
        }
        expect(checked).to.be.greaterThan(10);
      });

      it('a flipped bit in any JDK Wrap token is GSS_BAD_MIC', () => {
        for (const t of v.tokens.filter((x) => x.kind !== 'mic')) {
          const token = Buffer.from(t.tokenHex, 'hex');
          token[token.length - 1]! ^= 0x01;
          expect(() => openWrapToken(k, token)).to.throw().with.property('code', 'GSS_BAD_MIC');
        }
      });
    });
  }
});
