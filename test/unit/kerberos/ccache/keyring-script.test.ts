// Parsing what the keyring script prints, and the primary index payload MIT cc_keyring.c writes
// (version 1, length, name). The script itself runs against the kernel in the integration tests.
import { expect } from 'chai';
import { decodePrimaryIndex, encodePrimaryIndex, parseDump } from '../../../../security/kerberos/ccache/keyring/keyring-script.ts';

const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');

describe('kerberos ccache: KEYRING script output', () => {
  it('encodes and decodes the primary index; other versions and short payloads are refused', () => {
    expect(encodePrimaryIndex('tkt').toString('hex')).to.equal('00000001' + '00000003' + '746b74');
    expect(decodePrimaryIndex(encodePrimaryIndex('krb_ccache_AbCd1234'))).to.equal('krb_ccache_AbCd1234');
    expect(decodePrimaryIndex(Buffer.from('000000020000000161', 'hex'))).to.equal(undefined);
    expect(decodePrimaryIndex(Buffer.from('0000000100000009', 'hex'))).to.equal(undefined);
  });

  it('parses a dump: collection, primary, caches in link order, keys with empty payloads', () => {
    const out = [
      'C 481948821',
      `P ${b64(encodePrimaryIndex('0'))}`,
      `K 661151941 ${b64('0')}`,
      `E 661151941 446782271 user ${b64('__krb5_princ__')} ${b64(Buffer.from([0, 0, 0, 1]))}`,
      `E 661151941 12 user ${b64('krbtgt/R@R')} `,
      `K 7 ${b64('krb_ccache_x')}`,
      '',
    ].join('\n');
    const d = parseDump(out);
    expect(d.collection).to.equal('481948821');
    expect(decodePrimaryIndex(d.primary!)).to.equal('0');
    expect(d.caches.map((c) => c.name)).to.deep.equal(['0', 'krb_ccache_x']);
    expect(d.caches[0]!.keys.map((k) => [k.id, k.type, k.description, k.payload.length])).to.deep.equal([
      ['446782271', 'user', '__krb5_princ__', 4],
      ['12', 'user', 'krbtgt/R@R', 0],
    ]);
    expect(parseDump('NOCOLL\n')).to.deep.equal({ caches: [] });
  });
});
