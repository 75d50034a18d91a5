// The typed DatanodeProtocol client over real Hadoop IPC (RpcClient -> RpcServer on loopback,
// SIMPLE auth): a small in-test NameNode side answers through DATANODE_PROTOCOL_CODEC, so the
// DataNode start-up sequence (version, register, heartbeat with commands, block reports in both
// encodings, incremental report) crosses the wire as protobuf both ways.
import { expect } from 'chai';
import { RpcClient, RpcServer } from '../../../security/sasl/rpc/index.ts';
import { CAPABILITY_STORAGE_BLOCK_REPORT_BUFFERS, decodeBlockList } from '../../../cluster/protocol/block-list-as-longs.ts';
import type { ReportedReplica } from '../../../cluster/protocol/block-list-as-longs.ts';
import {
  DATANODE_LAYOUT_VERSION, DATANODE_PROTOCOL, DATANODE_PROTOCOL_CODEC, NAMENODE_LAYOUT_VERSION,
  exportedBlockKeysFromProto, exportedBlockKeysToProto, keyUpdateCommand,
} from '../../../cluster/protocol/datanode-protocol.ts';
import type { DatanodeRegistration, NamespaceInfo } from '../../../cluster/protocol/datanode-protocol.ts';
import { DatanodeProtocolClient } from '../../../cluster/protocol/datanode-protocol-client.ts';
import { DelegationKey } from '../../../security/token/keys/delegation-key.ts';
import { dummyExportedBlockKeys } from '../../../security/token/keys/exported-block-keys.ts';
import type { MethodHandler } from '../../../lib/rpc/call-context.ts';

describe('protocol/DatanodeProtocolClient over loopback IPC', function () {
  const nnKeys = {
    isBlockTokenEnabled: true, keyUpdateInterval: 36_000_000, tokenLifetime: 36_000_000,
    currentKey: new DelegationKey(11, 1_800_000_000_000, Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8)), allKeys: [] as DelegationKey[],
  };
  nnKeys.allKeys.push(nnKeys.currentKey);
  const info: NamespaceInfo = {
    buildVersion: 'rev', unused: 0, blockPoolID: 'BP-1-127.0.0.1-1', softwareVersion: '3.4.1', capabilities: 1,
    storageInfo: { layoutVersion: NAMENODE_LAYOUT_VERSION, namespceID: 987654321, clusterID: 'CID-1', cTime: 0 },
  };
  const received: Record<string, unknown[]> = {};
  let server: RpcServer;
  let rpc: RpcClient;
  let dn: DatanodeProtocolClient;

  before(async () => {
    const C = DATANODE_PROTOCOL_CODEC;
    const on = <M extends 'versionRequest' | 'registerDatanode' | 'sendHeartbeat' | 'blockReport' | 'blockReceivedAndDeleted' | 'errorReport'>(
      m: M, answer: (req: ReturnType<typeof C.decodeRequest<M>>) => Parameters<typeof C.encodeResponse<M>>[1],
    ): MethodHandler => (bytes) => {
      const req = C.decodeRequest(m, bytes);
      (received[m] ??= []).push(req);
      return C.encodeResponse(m, answer(req));
    };
    server = new RpcServer({ authentication: 'simple', handshakeTimeoutMs: 2000 });
    server.registerProtocol(DATANODE_PROTOCOL, {
      versionRequest: on('versionRequest', () => ({ info })),
      registerDatanode: on('registerDatanode', (r) => ({ registration: { ...r.registration, keys: exportedBlockKeysToProto(nnKeys) } })),
      sendHeartbeat: on('sendHeartbeat', (r) => ({
        cmds: r.requestFullBlockReportLease ? [keyUpdateCommand(nnKeys)] : [],
        haStatus: { state: 'ACTIVE', txid: 7 },
        fullBlockReportLeaseId: r.requestFullBlockReportLease ? 99 : 0,
      })),
      blockReport: on('blockReport', () => ({})),
      blockReceivedAndDeleted: on('blockReceivedAndDeleted', () => ({})),
      errorReport: on('errorReport', () => ({})),
    });
    const { port } = await server.start('127.0.0.1', 0);
    rpc = new RpcClient();
    dn = new DatanodeProtocolClient({ rpc, address: { host: '127.0.0.1', port }, credentials: { user: 'dn' }, timeoutMs: 5000 });
  });

  after(async () => {
    rpc.stop();
    await server.stop();
  });

  it('version -> register (keys come back) -> heartbeat (KeyUpdateCommand, lease) -> block reports -> incremental report', async () => {
    const ns = await dn.versionRequest();
    expect(ns.storageInfo.layoutVersion).to.equal(-67);
    expect(ns.capabilities! & CAPABILITY_STORAGE_BLOCK_REPORT_BUFFERS).to.equal(1);

    const mine: DatanodeRegistration = {
      datanodeID: { ipAddr: '127.0.0.1', hostName: 'localhost', datanodeUuid: 'dn-1', xferPort: 9866, infoPort: 9864, ipcPort: 9867 },
      storageInfo: { ...ns.storageInfo, layoutVersion: DATANODE_LAYOUT_VERSION },
      keys: exportedBlockKeysToProto(dummyExportedBlockKeys()),
      softwareVersion: '3.4.1',
    };
    const registered = await dn.registerDatanode(mine);
    const keys = exportedBlockKeysFromProto(registered.keys);
    expect(keys.currentKey.keyId).to.equal(11);
    expect(keys.currentKey.key).to.deep.equal(Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8));

    const hb = await dn.sendHeartbeat({ registration: registered, requestFullBlockReportLease: true, reports: [{ storageUuid: 'DS-1', capacity: 1 << 30 }] });
    expect(hb.haStatus).to.deep.equal({ state: 'ACTIVE', txid: 7 });
    expect(hb.cmds!.map((c) => c.cmdType)).to.deep.equal(['KeyUpdateCommand']);
    expect(hb.fullBlockReportLeaseId).to.equal(99);

    const replicas: ReportedReplica[] = [
      { blockId: 1073741825, numBytes: 200000, generationStamp: 1001, state: 'FINALIZED' },
      { blockId: 1073741826, numBytes: 512, generationStamp: 1002, state: 'RBW' },
    ];
    await dn.blockReport(registered, ns.blockPoolID, ns.capabilities!, [{ storage: { storageUuid: 'DS-1' }, replicas }], { totalRpcs: 1, curRpc: 0, id: 5, leaseId: 99 });
    await dn.blockReport(registered, ns.blockPoolID, 0, [{ storage: { storageUuid: 'DS-1' }, replicas }]);
    const [buffers, longs] = received.blockReport as { reports: { numberOfBlocks?: number; blocks?: bigint[]; blocksBuffers?: Uint8Array[] }[] }[];
    expect(buffers!.reports[0]!.numberOfBlocks).to.equal(2);
    expect(decodeBlockList(buffers!.reports[0]!)).to.deep.equal(replicas);
    expect(longs!.reports[0]!.blocks!.length).to.equal(2 + 3 + 3 + 4);
    expect(decodeBlockList(longs!.reports[0]!)).to.deep.equal(replicas);

    await dn.blockReceivedAndDeleted({
      registration: registered, blockPoolId: ns.blockPoolID,
      blocks: [{ storageUuid: 'DS-1', blocks: [{ block: { blockId: 1073741825, genStamp: 1001, numBytes: 200000 }, status: 'RECEIVED' }] }],
    });
    await dn.errorReport(registered, 0, 'notice');
    expect((received.errorReport![0] as { msg: string }).msg).to.equal('notice');
    expect((received.blockReceivedAndDeleted![0] as { blocks: { blocks: { status: string }[] }[] }).blocks[0]!.blocks[0]!.status).to.equal('RECEIVED');
  });
});
