// Robustness of the message decoders against hostile bytes: every truncation and a deterministic
// set of byte flips of real MIT messages (vectors/mit-kdc-exchange.json) either decode or fail
// with KerberosError KRB_BAD_FORMAT — never another exception type.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { KerberosError } from '../../../../lib/errors/index.ts';
import { decodeKdcRep, decodeKdcReq, decodeKrbError, decodeTicket, decodeApReq } from '../../../../security/kerberos/messages/index.ts';

const v = JSON.parse(readFileSync(new URL('./vectors/mit-kdc-exchange.json', import.meta.url), 'utf8')) as Record<string, string>;
const cases: Array<[string, (b: Uint8Array) => unknown]> = [
  ['as_req_enc_timestamp', decodeKdcReq],
  ['krb_error_preauth_required', decodeKrbError],
  ['as_rep', (b) => decodeKdcRep(b)],
  ['tgs_req', decodeKdcReq],
];

function outcome(decode: (b: Uint8Array) => unknown, bytes: Uint8Array): 'ok' | 'bad-format' {
  try {
    decode(bytes);
    return 'ok';
  } catch (e) {
    if (e instanceof KerberosError && e.code === 'KRB_BAD_FORMAT') return 'bad-format';
    throw new Error(`unexpected ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`);
  }
}

/** A small deterministic PRNG (xorshift32) so failures reproduce. */
function prng(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x100000000;
  };
}

describe('kerberos/messages: malformed input', () => {
  for (const [name, decode] of cases) {
    it(`${name}: every truncation is KRB_BAD_FORMAT`, () => {
      const full = Buffer.from(v[name]!, 'hex');
      for (let n = 0; n < full.length; n++) expect(outcome(decode, full.subarray(0, n)), `length ${n}`).to.equal('bad-format');
    });

    it(`${name}: 2000 random byte flips never escape as non-Kerberos errors`, () => {
      const full = Buffer.from(v[name]!, 'hex');
      const rnd = prng(0x9e3779b9 ^ full.length);
      let bad = 0;
      for (let i = 0; i < 2000; i++) {
        const m = Buffer.from(full);
        const flips = 1 + Math.floor(rnd() * 3);
        for (let f = 0; f < flips; f++) m[Math.floor(rnd() * m.length)] = Math.floor(rnd() * 256);
        if (outcome(decode, m) === 'bad-format') bad++;
      }
      expect(bad).to.be.greaterThan(0);
    });
  }

  it('decoders reject messages of the wrong type', () => {
    const asRep = Buffer.from(v.as_rep!, 'hex');
    expect(() => decodeTicket(asRep)).to.throw(KerberosError).with.property('code', 'KRB_BAD_FORMAT');
    expect(() => decodeApReq(asRep)).to.throw(KerberosError).with.property('code', 'KRB_BAD_FORMAT');
    expect(() => decodeKdcReq(asRep)).to.throw(/unexpected application tag 11/);
  });
});
