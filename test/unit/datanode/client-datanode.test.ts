// ClientDatanodeProtocol.getReplicaVisibleLength on the DataNode (DataNode.checkReadAccess,
// FsDatasetImpl.getReplicaVisibleLength) on a real FsDataset in a temp directory and real block
// keys (a master BlockTokenSecretManager as the NameNode's, its exported keys in the DataNode's
// BlockPoolTokens): the visible length by replica state, the DIGEST-MD5 token authority, and the
// refusals with Hadoop's exception classes and messages.
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BlockPoolTokens } from '../../../cluster/datanode/block-access.ts';
import { blockTokenAuthority, clientDatanodeHandlers, visibleLength } from '../../../cluster/datanode/client-datanode.ts';
import { FsDataset } from '../../../cluster/datanode/storage/fs-dataset.ts';
import { CLIENT_DATANODE_PROTOCOL_CODEC } from '../../../cluster/protocol/client-datanode-protocol.ts';
import { computeChecksums } from '../../../cluster/protocol/datatransfer/checksum.ts';
import type { ChecksumSpec } from '../../../cluster/protocol/datatransfer/messages.ts';
import type { CallContext } from '../../../lib/rpc/call-context.ts';
import { BlockTokenSecretManager } from '../../../security/token/block-token-secret-manager.ts';

const CRC: ChecksumSpec = { type: 'CHECKSUM_CRC32C', bytesPerChecksum: 512 };
const NS = { blockPoolID: 'BP-1-127.0.0.1-1', namespaceID: 7, clusterID: 'CID-a', cTime: 0 };
const BP = NS.blockPoolID;

describe('datanode/ClientDatanodeProtocol.getReplicaVisibleLength', () => {
  let dir: string;
  let ds: FsDataset;
  let registered: boolean;
  const master = BlockTokenSecretManager.master({ keyUpdateInterval: 600_000, tokenLifetime: 600_000, blockPoolId: BP });
  const access = new BlockPoolTokens();
  access.setKeys(BP, master.exportKeys());
  const authority = blockTokenAuthority(access);
  const data = Buffer.alloc(1300, 9);

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hsec-dn-visible-'));
    ds = await FsDataset.open(dir);
    await ds.attachBlockPool(NS);
    registered = true;
    const { replica, writer } = await ds.createRbw(BP, 5, 1001, CRC, 'blk_5');
    await writer.write(0, data, computeChecksums(CRC, data));
    replica.numBytes = writer.numBytes;
    await ds.keepRbw(BP, replica, writer);
  });
  afterEach(async () => {
    await ds.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const handlers = () => clientDatanodeHandlers({ dataset: ds, access, blockTokenEnabled: true, registered: (bpid) => registered && bpid === BP });
  /** A call as the RPC server makes it after DIGEST-MD5 with `token` (its identifier in the attributes). */
  async function call(blockId: number, genStamp: number, token?: { identifier: Uint8Array; password: Uint8Array }): Promise<number> {
    let ctx = { user: 'dn/localhost@EXAMPLE.COM', attributes: {} } as unknown as CallContext;
    if (token) {
      expect(Buffer.from(authority.retrievePassword(token.identifier) as Uint8Array)).to.deep.equal(Buffer.from(token.password));
      const who = authority.identify(token.identifier);
      ctx = { user: who.user, attributes: who.attributes ?? {} } as unknown as CallContext;
    }
    const req = CLIENT_DATANODE_PROTOCOL_CODEC.encodeRequest('getReplicaVisibleLength', { block: { poolId: BP, blockId, generationStamp: genStamp, numBytes: 0 } });
    return CLIENT_DATANODE_PROTOCOL_CODEC.decodeResponse('getReplicaVisibleLength', await handlers()['getReplicaVisibleLength']!(req, ctx)).length;
  }
  const refused = (p: Promise<unknown>) => p.then(() => undefined, (e: Error & { details: Record<string, unknown> }) => [e.details['exceptionClassName'], e.message]);
  const token = (blockId: number, modes: ('READ' | 'WRITE')[] = ['READ']) => master.generateToken('bob', { poolId: BP, blockId, generationStamp: 1001 }, modes);

  it('an RBW replica: its bytes, to the holder of a READ token for the block (user = the token\'s)', async () => {
    expect(await call(5, 1001, token(5))).to.equal(1300);
    expect(authority.identify(token(5).identifier).user).to.equal('bob');
  });

  it('by state: finalized and RBW their bytes, RWR -1, RUR as its state before the recovery (ReplicaInfo.getVisibleLength)', () => {
    expect(visibleLength({ state: 'FINALIZED', numBytes: 10 })).to.equal(10);
    expect(visibleLength({ state: 'RBW', numBytes: 10 })).to.equal(10);
    expect(visibleLength({ state: 'RWR', numBytes: 10 })).to.equal(-1);
    expect(visibleLength({ state: 'RUR', numBytes: 10, recovery: { recoveryId: 1005, originalState: 'RBW' } })).to.equal(10);
    expect(visibleLength({ state: 'RUR', numBytes: 10, recovery: { recoveryId: 1005, originalState: 'RWR' } })).to.equal(-1);
  });

  it('refusals as DataNode.checkReadAccess and FsDatasetImpl.getReplicaVisibleLength', async () => {
    expect(await refused(call(5, 1001))).to.deep.equal(['java.io.IOException', 'Can\'t continue since none or more than one BlockTokenIdentifier is found.']);
    const other = await refused(call(5, 1001, token(6)));
    expect(other![0]).to.equal('org.apache.hadoop.security.token.SecretManager$InvalidToken');
    expect(other![1]).to.match(/^Block token with block_token_identifier .* doesn't apply to block BP-1-127\.0\.0\.1-1:blk_5_1001/);
    expect((await refused(call(5, 1001, token(5, ['WRITE']))))![1]).to.match(/doesn't have READ permission$/);
    expect(await refused(call(7, 1001, token(7)))).to.deep.equal(['org.apache.hadoop.hdfs.server.datanode.ReplicaNotFoundException', `Replica does not exist ${BP}:7`]);
    const newer = master.generateToken('bob', { poolId: BP, blockId: 5, generationStamp: 1002 }, ['READ']);
    expect((await refused(call(5, 1002, newer)))![1]).to.equal(`replica.getGenerationStamp() < block.getGenerationStamp(), block=${BP}:blk_5_1002, replica=RBW blk_5_1001`);
    registered = false;
    expect(await refused(call(5, 1001, token(5)))).to.deep.equal(['org.apache.hadoop.ipc.RetriableException', 'Datanode not registered. Try again later.']);
  });
});
