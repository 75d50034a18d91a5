/**
 * The ZooKeeper token store's znode codec against the tree Hadoop 3.4.1's own
 * ZKDelegationTokenSecretManager wrote (test/vectors/zk-delegation-token-store.json): token znodes
 * (identifier + int64 renewDate + int32 password length + password) decode to the vector's fields
 * and re-encode to the same bytes, master keys are the DelegationKey Writable, passwords are
 * HmacSHA1 of the identifier under the named key, and the paths are the manager's.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { DelegationKey } from '../../../security/token/keys/delegation-key.ts';
import { createPassword } from '../../../security/token/keys/hmac.ts';
import { childNumber, decodeTokenZnode, encodeTokenZnode, zkdtsmPaths } from '../../../security/token/store/zookeeper/znode-codec.ts';
import { expectCode } from '../../support/expect-code.ts';

interface Znode {
  path: string;
  data_hex: string;
  decoded: Record<string, unknown> | null;
  acl: { scheme: string; id: string; perms: number }[];
}
const vectors = JSON.parse(readFileSync(new URL('../../vectors/zk-delegation-token-store.json', import.meta.url), 'utf8')) as {
  config: Record<string, string>;
  znodes_after_create: Znode[];
  znodes_final: Znode[];
  tokens: { identifier_hex: string; password_hex: string; identifier: Record<string, unknown> }[];
};
const hex = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h, 'hex'));
const working = vectors.config['zk-dt-secret-manager.znodeWorkingPath']!;

describe('ZooKeeper token store: znode layout and data (Hadoop 3.4.1 ZKDelegationTokenSecretManager vectors)', () => {
  const paths = zkdtsmPaths(working);

  it('names every znode of the tree Hadoop wrote', () => {
    const expected = [paths.workingPath, paths.namespace, paths.keyId, paths.masterKeys, paths.key(1), paths.key(2), paths.seqNum, paths.tokens, paths.token(1), paths.token(2)];
    expect(vectors.znodes_after_create.map((z) => z.path)).to.deep.equal(expected);
    expect(zkdtsmPaths(`/${working}/`).namespace).to.equal(paths.namespace);
  });

  for (const [label, tree] of [['after create', vectors.znodes_after_create], ['after renew and cancel', vectors.znodes_final]] as const) {
    it(`decodes and re-encodes every token znode ${label} byte for byte`, () => {
      const tokens = tree.filter((z) => z.path.includes('/DT_'));
      expect(tokens).to.not.be.empty;
      for (const z of tokens) {
        const data = hex(z.data_hex);
        const { identifier, info } = decodeTokenZnode(data, 'HDFS_DELEGATION_TOKEN', z.path);
        const d = z.decoded as { identifier: Record<string, unknown>; renewDate: number; password_hex: string; identifier_hex: string };
        expect(identifier.fields()).to.deep.include({ owner: d.identifier['owner'], renewer: d.identifier['renewer'], realUser: d.identifier['realUser'], sequenceNumber: d.identifier['sequenceNumber'], masterKeyId: d.identifier['masterKeyId'] });
        expect(Buffer.from(identifier.bytes).toString('hex')).to.equal(d.identifier_hex);
        expect(info.renewDate).to.equal(d.renewDate);
        expect(Buffer.from(info.password).toString('hex')).to.equal(d.password_hex);
        expect(Buffer.from(encodeTokenZnode(identifier.bytes, info)).toString('hex')).to.equal(z.data_hex);
        expect(childNumber(z.path.slice(z.path.lastIndexOf('/') + 1), 'DT_')).to.equal(identifier.sequenceNumber);
      }
    });
  }

  it('reads the master keys as DelegationKey Writables and finds each token password is HmacSHA1 under its key', () => {
    const keys = new Map<number, DelegationKey>();
    for (const z of vectors.znodes_final.filter((n) => n.path.includes('/DK_'))) {
      const key = DelegationKey.decode(hex(z.data_hex));
      expect(Buffer.from(key.encode()).toString('hex')).to.equal(z.data_hex);
      keys.set(key.keyId, key);
    }
    expect([...keys.keys()]).to.deep.equal([1, 2]);
    for (const t of vectors.tokens) {
      const key = keys.get(t.identifier['masterKeyId'] as number)!;
      expect(Buffer.from(createPassword(hex(t.identifier_hex), key.key!)).toString('hex')).to.equal(t.password_hex);
    }
  });

  it('refuses truncated, oversized and trailing-byte token znodes with PROTOCOL_MALFORMED naming the path', () => {
    const good = hex(vectors.znodes_final.find((z) => z.path.endsWith('/DT_1'))!.data_hex);
    const e = expectCode(() => decodeTokenZnode(good.subarray(0, good.length - 3), 'HDFS_DELEGATION_TOKEN', '/x/DT_1'), 'PROTOCOL_MALFORMED');
    expect(e.message).to.contain('/x/DT_1');
    expectCode(() => decodeTokenZnode(Uint8Array.from([...good, 0]), 'HDFS_DELEGATION_TOKEN', '/x/DT_1'), 'PROTOCOL_MALFORMED');
    const badLength = Uint8Array.from(good);
    new DataView(badLength.buffer).setInt32(good.length - 24, 0x7fffffff);
    expectCode(() => decodeTokenZnode(badLength, 'HDFS_DELEGATION_TOKEN', '/x/DT_1'), 'PROTOCOL_MALFORMED');
    // The roots hold Curator's default data (the host's IP as text): not a token.
    expectCode(() => decodeTokenZnode(new TextEncoder().encode('127.0.0.1'), 'HDFS_DELEGATION_TOKEN', '/x/ZKDTSMTokensRoot'), 'PROTOCOL_MALFORMED');
  });

  it('parses DT_/DK_ child names as Java ints and nothing else', () => {
    expect(childNumber('DT_42', 'DT_')).to.equal(42);
    expect(childNumber('DK_2147483647', 'DK_')).to.equal(2147483647);
    expect([childNumber('DT_', 'DT_'), childNumber('DT_1x', 'DT_'), childNumber('DK_1', 'DT_'), childNumber('DT_99999999999', 'DT_')]).to.deep.equal([undefined, undefined, undefined, undefined]);
  });
});
