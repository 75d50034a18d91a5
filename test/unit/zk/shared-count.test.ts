/**
 * The Curator SharedCount byte format: the counter znodes Hadoop 3.4.1's
 * ZKDelegationTokenSecretManager wrote against a real ZooKeeper (test/vectors/
 * zk-delegation-token-store.json: ZKDTSMSeqNumRoot = 100, ZKDTSMKeyIdRoot = 2) decode, and our
 * encoding reproduces their bytes; 32-bit wrap as Java's int; short data is a typed error.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { decodeSharedCount, encodeSharedCount } from '../../../lib/zk/index.ts';
import { expectCode } from '../../support/expect-code.ts';

interface ZnodeVector {
  path: string;
  data_hex: string;
  decoded: { int32_be?: number } | null;
}
const vec = JSON.parse(readFileSync(new URL('../../vectors/zk-delegation-token-store.json', import.meta.url), 'utf8')) as { znodes_after_create: ZnodeVector[] };

describe('Curator SharedCount format', () => {
  const counters = vec.znodes_after_create.filter((z) => /ZKDTSM(SeqNum|KeyId)Root$/.test(z.path));

  it('decodes and re-encodes the counters Hadoop wrote', () => {
    expect(counters.map((c) => c.path.split('/').pop())).to.have.members(['ZKDTSMSeqNumRoot', 'ZKDTSMKeyIdRoot']);
    for (const c of counters) {
      const bytes = Uint8Array.from(Buffer.from(c.data_hex, 'hex'));
      expect(decodeSharedCount(bytes), c.path).to.equal(c.decoded!.int32_be);
      expect(Buffer.from(encodeSharedCount(c.decoded!.int32_be!)).toString('hex')).to.equal(c.data_hex);
    }
  });

  it("wraps at 32 bits as Java's int and refuses data shorter than 4 bytes", () => {
    expect(Buffer.from(encodeSharedCount(0x7fffffff + 1)).toString('hex')).to.equal('80000000');
    expect(decodeSharedCount(Uint8Array.from([0xff, 0xff, 0xff, 0xfe]))).to.equal(-2);
    expectCode(() => decodeSharedCount(Uint8Array.from([0, 1]), '/c'), 'PROTOCOL_TRUNCATED');
  });
});
