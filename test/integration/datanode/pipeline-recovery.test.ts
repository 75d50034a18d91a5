/**
 * Write-pipeline recovery through real hsec DataNodes over a real MIT KDC, driven on the wire as a
 * stock 3.4.1 DataStreamer drives it (Hadoop's DataStreamer.setupPipelineForAppendOrRecovery,
 * addDatanode2ExistingPipeline, createBlockOutputStream): part of a block goes through a 3-node
 * pipeline, one DataNode is stopped, the first node reports it ({seqno -2, [SUCCESS, ERROR]}), the
 * client asks the NameNode for a new generation stamp (updateBlockForPipeline), optionally adds a
 * replacement DataNode (getAdditionalDatanode + TRANSFER_BLOCK from a survivor: TRANSFER_RBW over
 * the DataNode-to-DataNode handshake), sends WRITE_BLOCK in the recovery stage with the new stamp to
 * the remaining pipeline, resends its unacknowledged packets, closes, updatePipeline, complete; then
 * every replica reads back byte for byte. The data port runs SASL privacy with AES/CTR, or the
 * encrypted handshake (dfs.encrypt.data.transfer). Malformed recovery requests get Hadoop's
 * refusals and the DataNode keeps serving.
 */
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import type { DataNode } from '../../../cluster/datanode/datanode.ts';
import type { ClientProtocolClient } from '../../../cluster/protocol/client-protocol-client.ts';
import {
  ackStatuses, encodeOpTransferBlock, encodeOpWriteBlock, type BlockConstructionStage, type OpWriteBlock, type PipelineAck,
} from '../../../cluster/protocol/datatransfer/messages.ts';
import { OutputPacketizer, type OutboundPacket } from '../../../cluster/protocol/datatransfer/output-packetizer.ts';
import type { DatanodeInfo, ExtendedBlock, LocatedBlock, TokenProtoObject } from '../../../cluster/protocol/hdfs-types.ts';
import { completeFile, handshakesDuring, locatedBlock, openBlock, useTestClusters, waitFor, type OpenBlock, type TestCluster } from './datanode-fixture.ts';
import { TransferConnection, type ClientHandshake } from './transfer-client.ts';

const CRC = { type: 'CHECKSUM_CRC32C', bytesPerChecksum: 512 } as const;
const BLOCK_SIZE = 128 * 1024 * 1024;
const AES = 'AES/CTR/NoPadding';
const CONF = {
  'dfs.data.transfer.protection': 'privacy',
  'dfs.encrypt.data.transfer.cipher.suites': AES,
  'dfs.heartbeat.interval': '500ms',
};

/** One client connection of a write pipeline (DataStreamer's blockStream / blockReplyStream). */
class Pipeline {
  readonly conn: TransferConnection;
  readonly nodes: DatanodeInfo[];

  private constructor(conn: TransferConnection, nodes: DatanodeInfo[]) {
    this.conn = conn;
    this.nodes = nodes;
  }

  /** createBlockOutputStream: the op with `stage` to nodes[0], the others as targets; resolves with the connect-ack. */
  static async open(handshake: ClientHandshake, nodes: DatanodeInfo[], storageIds: string[], op: { block: ExtendedBlock; token: TokenProtoObject; clientName: string; stage: BlockConstructionStage; minBytesRcvd?: number; maxBytesRcvd?: number; newGS?: number }) {
    const conn = await TransferConnection.open(nodes[0]!.id.xferPort, handshake);
    const write: OpWriteBlock = {
      header: { baseHeader: { block: { ...op.block, numBytes: BLOCK_SIZE }, token: op.token }, clientName: op.clientName },
      targets: nodes.slice(1), stage: op.stage, pipelineSize: nodes.length,
      minBytesRcvd: op.minBytesRcvd ?? 0, maxBytesRcvd: op.maxBytesRcvd ?? 0, latestGenerationStamp: op.newGS ?? 0,
      requestedChecksum: CRC, cachingStrategy: {}, storageType: 'DISK', targetStorageTypes: nodes.slice(1).map(() => 'DISK'),
      allowLazyPersist: false, pinning: false, targetPinnings: nodes.map(() => false), storageId: storageIds[0]!, targetStorageIds: storageIds.slice(1),
    };
    conn.send(encodeOpWriteBlock(write));
    const connectAck = await conn.response();
    return { pipeline: new Pipeline(conn, nodes), connectAck };
  }

  /** Sends `packets` and waits for their acks (each must be all SUCCESS for the pipeline's length). */
  async sendAcked(packets: OutboundPacket[]): Promise<void> {
    for (const p of packets) this.conn.send(p.bytes);
    for (const p of packets) {
      const ack = await this.conn.ack();
      expect(ack, `the ack of packet ${p.header.seqno}`).to.not.equal(undefined);
      expect(ack!.seqno).to.equal(p.header.seqno);
      expect(ackStatuses(ack!)).to.deep.equal(this.nodes.map(() => 'SUCCESS'));
    }
  }

  close(): void {
    this.conn.close();
  }
}

interface Written {
  readonly open: OpenBlock;
  readonly data: Buffer;
  readonly packets: OutboundPacket[];
  /** the data packets, then the empty last packet */
  readonly nodes: DatanodeInfo[];
  readonly storageIds: string[];
}

describe('datanode: write-pipeline recovery on hsec DataNodes (recovery stages, TRANSFER_BLOCK; SASL privacy with AES/CTR, MIT KDC)', function () {
  this.timeout(60_000);
  const clusters = useTestClusters('hsec-pipe-rec-', { conf: CONF });

  async function dataNodes(c: TestCluster, n: number): Promise<DataNode[]> {
    const out: DataNode[] = [];
    for (let i = 0; i < n; i++) out.push(await c.startDataNode(`p${i + 1}`));
    return out;
  }

  const byNode = (dns: DataNode[], info: DatanodeInfo): DataNode => dns.find((d) => d.datanodeUuid === info.id.datanodeUuid)!;

  /** A file of `size` random bytes with one block allocated on a 3-node pipeline, cut into packets. */
  async function start(c: TestCluster, nn: ClientProtocolClient, path: string, size: number): Promise<Written> {
    await c.client(); // alice's home directory
    const open = await openBlock(nn, path, { replication: 3 });
    const nodes = open.located.locs!;
    expect(nodes.length).to.equal(3);
    const data = randomBytes(size);
    const packetizer = new OutputPacketizer({ blockSize: BLOCK_SIZE, bytesPerChecksum: CRC.bytesPerChecksum, checksumType: CRC.type });
    const packets = [...packetizer.write(data), ...packetizer.close()];
    return { open, data, packets, nodes, storageIds: open.located.storageIDs! };
  }

  /** A general (SASL privacy, AES/CTR) handshake with `token`, or the encrypted one with the NameNode's key. */
  async function handshake(c: TestCluster, nn: ClientProtocolClient, token: TokenProtoObject): Promise<ClientHandshake> {
    if (c.conf().getBoolean('dfs.encrypt.data.transfer', false)) return { kind: 'encrypted', key: (await nn.getDataEncryptionKey())!, cipherSuites: AES };
    return { kind: 'general', token, qop: ['auth-conf'], cipherSuites: AES };
  }

  /**
   * The first `sent` packets go through the 3-node pipeline and `acked` of them are acknowledged;
   * then the middle DataNode stops and the first one's ack names it ({seqno -2, [SUCCESS, ERROR]}).
   * Returns the bytes acknowledged and the bytes sent (DataStreamer's block.getNumBytes() and bytesSent).
   */
  async function breakMiddle(c: TestCluster, nn: ClientProtocolClient, dns: DataNode[], w: Written, acked: number, sent: number): Promise<{ ackedBytes: number; sentBytes: number; dead: DatanodeInfo }> {
    const { pipeline, connectAck } = await Pipeline.open(await handshake(c, nn, w.open.located.blockToken), w.nodes, w.storageIds, {
      block: w.open.located.b, token: w.open.located.blockToken, clientName: w.open.clientName, stage: 'PIPELINE_SETUP_CREATE',
    });
    expect(connectAck).to.deep.include({ status: 'SUCCESS' });
    await pipeline.sendAcked(w.packets.slice(0, acked));
    const dead = w.nodes[1]!;
    await c.stopDataNode(byNode(dns, dead));
    for (const p of w.packets.slice(acked, sent)) pipeline.conn.send(p.bytes);
    let ack: PipelineAck | undefined;
    do ack = await pipeline.conn.ack();
    while (ack && ackStatuses(ack).every((s) => s === 'SUCCESS'));
    // ResponseProcessor: the first reply that is not SUCCESS names the bad node
    expect(ack, 'an ack reporting the lost DataNode').to.not.equal(undefined);
    expect(ack!.seqno).to.equal(-2);
    expect(ackStatuses(ack!)).to.deep.equal(['SUCCESS', 'ERROR']);
    pipeline.close();
    const bytes = (n: number) => w.packets.slice(0, n).reduce((t, p) => t + p.header.dataLen, 0);
    return { ackedBytes: bytes(acked), sentBytes: bytes(sent), dead };
  }

  /** Reads the block from every location the NameNode lists and compares it with `data`. */
  async function expectReplicas(c: TestCluster, nn: ClientProtocolClient, path: string, data: Buffer, dns: DataNode[], newGS: number, count: number): Promise<LocatedBlock> {
    const lb = await locatedBlock(nn, path);
    expect(lb.b).to.deep.include({ generationStamp: newGS, numBytes: data.length });
    expect(lb.locs!.length, 'locations').to.equal(count);
    const io = c.blockIo();
    for (const loc of lb.locs!) {
      expect(Buffer.compare(await io.read(lb, { dn: loc }), data), `the replica on ${loc.id.xferPort}`).to.equal(0);
      expect(byNode(dns, loc).dataset.getReplica(lb.b.poolId, lb.b.blockId)).to.deep.include({ state: 'FINALIZED', genStamp: newGS, numBytes: data.length });
    }
    return lb;
  }

  it('PIPELINE_SETUP_STREAMING_RECOVERY: the two survivors cut back to the acked bytes, take the new stamp, get the unacked packets again; both read back whole', async () => {
    const c = await clusters.cluster();
    const dns = await dataNodes(c, 3);
    const nn = c.protocol();
    const path = '/user/alice/streaming-recovery';
    const w = await start(c, nn, path, 600_000); // 10 packets of 64512 bytes and the rest
    const { ackedBytes, sentBytes } = await breakMiddle(c, nn, dns, w, 3, 5);
    const survivors = [w.nodes[0]!, w.nodes[2]!];
    const survivorIds = [w.storageIds[0]!, w.storageIds[2]!];
    const first = byNode(dns, survivors[0]!);
    const old = w.open.located.b;
    // the first survivor has the packets after the acked ones too, not acknowledged (bytesAcked < numBytes)
    await waitFor(() => first.dataset.getReplica(old.poolId, old.blockId)?.numBytes === sentBytes, 'the first node to hold the unacked packets too');
    expect(first.dataset.getReplica(old.poolId, old.blockId)).to.deep.include({ bytesAcked: ackedBytes });
    const lb = await nn.updateBlockForPipeline(old, w.open.clientName);
    const newGS = lb.b.generationStamp;
    expect(newGS).to.be.greaterThan(old.generationStamp);
    const events = await handshakesDuring(async () => {
      const { pipeline, connectAck } = await Pipeline.open(await handshake(c, nn, lb.blockToken), survivors, survivorIds, {
        block: old, token: lb.blockToken, clientName: w.open.clientName, stage: 'PIPELINE_SETUP_STREAMING_RECOVERY',
        minBytesRcvd: ackedBytes, maxBytesRcvd: sentBytes, newGS,
      });
      expect(connectAck).to.deep.include({ status: 'SUCCESS', firstBadLink: '' });
      for (const dn of [first, byNode(dns, survivors[1]!)]) {
        expect(dn.dataset.getReplica(old.poolId, old.blockId)).to.deep.include({ state: 'RBW', genStamp: newGS, numBytes: ackedBytes });
      }
      await nn.updatePipeline({ clientName: w.open.clientName, oldBlock: old, newBlock: { ...old, generationStamp: newGS, numBytes: ackedBytes }, newNodes: survivors.map((s) => s.id), storageIDs: survivorIds });
      // DataStreamer: the unacknowledged packets go again (same seqnos), then the rest and the last packet
      await pipeline.sendAcked(w.packets.slice(3));
      pipeline.close();
    });
    // the first survivor opened the second over SASL privacy with AES/CTR
    expect(events.filter((e) => e.protection === 'aes-ctr' && e.qop === 'auth-conf').length).to.be.greaterThanOrEqual(3);
    await completeFile(nn, { ...w.open, located: { ...w.open.located, b: { ...old, generationStamp: newGS } } }, w.data.length);
    await expectReplicas(c, nn, path, w.data, dns, newGS, 2);
  });

  it('a replacement DataNode (dfs.encrypt.data.transfer): getAdditionalDatanode, TRANSFER_BLOCK from a survivor (TRANSFER_RBW, encrypted handshake), then streaming recovery through three nodes', async () => {
    const c = await clusters.cluster({ conf: { 'dfs.encrypt.data.transfer': 'true' } });
    const dns = await dataNodes(c, 4);
    const nn = c.protocol();
    const path = '/user/alice/replaced';
    const w = await start(c, nn, path, 400_000);
    const { ackedBytes, sentBytes, dead } = await breakMiddle(c, nn, dns, w, 4, 5);
    const old = w.open.located.b;
    const survivors = [w.nodes[0]!, w.nodes[2]!];
    const survivorIds = [w.storageIds[0]!, w.storageIds[2]!];
    // addDatanode2ExistingPipeline: one more node, with a COPY token, the block at its old stamp
    const added = await nn.getAdditionalDatanode({
      src: path, fileId: w.open.fileId, blk: old, existings: survivors, existingStorageUuids: survivorIds, excludes: [dead], numAdditionalNodes: 1, clientName: w.open.clientName,
    });
    const nodes = added.locs!;
    expect(nodes.length).to.equal(3);
    const d = nodes.findIndex((n) => !survivors.some((s) => s.id.datanodeUuid === n.id.datanodeUuid));
    const fresh = nodes[d]!;
    const events = await handshakesDuring(async () => {
      const t = await TransferConnection.open(survivors[0]!.id.xferPort, await handshake(c, nn, added.blockToken));
      t.send(encodeOpTransferBlock({
        header: { baseHeader: { block: old, token: added.blockToken }, clientName: w.open.clientName },
        targets: [fresh], targetStorageTypes: ['DISK'], targetStorageIds: [added.storageIDs![d]!],
      }));
      expect(await t.response()).to.deep.include({ status: 'SUCCESS' });
      t.close();
    });
    // the survivor opened the new node with the encrypted handshake, as itself
    expect(events.filter((e) => e.handshake === 'encrypted' && e.protection === 'aes-ctr').map((e) => e.side).sort()).to.deep.equal(['client', 'client', 'server', 'server']);
    const copy = byNode(dns, fresh).dataset.getReplica(old.poolId, old.blockId);
    expect(copy, 'the transferred replica').to.deep.include({ state: 'RBW', genStamp: old.generationStamp, numBytes: ackedBytes, bytesAcked: ackedBytes });
    const lb = await nn.updateBlockForPipeline(old, w.open.clientName);
    const newGS = lb.b.generationStamp;
    const { pipeline, connectAck } = await Pipeline.open(await handshake(c, nn, lb.blockToken), nodes, added.storageIDs!, {
      block: old, token: lb.blockToken, clientName: w.open.clientName, stage: 'PIPELINE_SETUP_STREAMING_RECOVERY', minBytesRcvd: ackedBytes, maxBytesRcvd: sentBytes, newGS,
    });
    expect(connectAck).to.deep.include({ status: 'SUCCESS' });
    await nn.updatePipeline({ clientName: w.open.clientName, oldBlock: old, newBlock: { ...old, generationStamp: newGS, numBytes: ackedBytes }, newNodes: nodes.map((n) => n.id), storageIDs: added.storageIDs! });
    await pipeline.sendAcked(w.packets.slice(4));
    pipeline.close();
    await completeFile(nn, { ...w.open, located: { ...w.open.located, b: { ...old, generationStamp: newGS } } }, w.data.length);
    await expectReplicas(c, nn, path, w.data, dns, newGS, 3);
  });

  it('PIPELINE_CLOSE_RECOVERY: a node lost at the last packet; the survivors finalize under the new stamp without packets and report it', async () => {
    const c = await clusters.cluster();
    const dns = await dataNodes(c, 3);
    const nn = c.protocol();
    const path = '/user/alice/close-recovery';
    const w = await start(c, nn, path, 150_000);
    const last = w.packets.length - 1;
    const { ackedBytes } = await breakMiddle(c, nn, dns, w, last, last + 1); // every data packet acked, the last packet lost
    expect(ackedBytes).to.equal(w.data.length);
    const old = w.open.located.b;
    const survivors = [w.nodes[0]!, w.nodes[2]!];
    const lb = await nn.updateBlockForPipeline(old, w.open.clientName);
    const newGS = lb.b.generationStamp;
    const { pipeline, connectAck } = await Pipeline.open(await handshake(c, nn, lb.blockToken), survivors, [w.storageIds[0]!, w.storageIds[2]!], {
      block: old, token: lb.blockToken, clientName: w.open.clientName, stage: 'PIPELINE_CLOSE_RECOVERY', minBytesRcvd: ackedBytes, maxBytesRcvd: ackedBytes, newGS,
    });
    expect(connectAck).to.deep.include({ status: 'SUCCESS' });
    expect(await pipeline.conn.closedByPeer()).to.equal(true);
    pipeline.close();
    await nn.updatePipeline({ clientName: w.open.clientName, oldBlock: old, newBlock: { ...old, generationStamp: newGS, numBytes: ackedBytes }, newNodes: survivors.map((s) => s.id), storageIDs: [w.storageIds[0]!, w.storageIds[2]!] });
    await completeFile(nn, { ...w.open, located: { ...w.open.located, b: { ...old, generationStamp: newGS } } }, w.data.length);
    await expectReplicas(c, nn, path, w.data, dns, newGS, 2);
  });

  it('malformed recovery requests get Hadoop\'s refusals and leave the replica as it was; the DataNode keeps serving', async () => {
    const c = await clusters.cluster();
    const dns = await dataNodes(c, 3);
    const nn = c.protocol();
    const path = '/user/alice/refusals';
    dns.push(await c.startDataNode('p4'));
    const w = await start(c, nn, path, 300_000);
    const { ackedBytes, sentBytes } = await breakMiddle(c, nn, dns, w, 2, 3);
    const old = w.open.located.b;
    const first = w.nodes[0]!;
    const firstDn = byNode(dns, first);
    const lb = await nn.updateBlockForPipeline(old, w.open.clientName);
    const newGS = lb.b.generationStamp;
    const recover = async (over: Partial<{ block: ExtendedBlock; token: TokenProtoObject; minBytesRcvd: number; maxBytesRcvd: number; newGS: number; stage: BlockConstructionStage }>) => {
      const { pipeline, connectAck } = await Pipeline.open(await handshake(c, nn, lb.blockToken), [first], [w.storageIds[0]!], {
        block: old, token: lb.blockToken, clientName: w.open.clientName, stage: 'PIPELINE_SETUP_STREAMING_RECOVERY', minBytesRcvd: ackedBytes, maxBytesRcvd: sentBytes, newGS, ...over,
      });
      pipeline.close();
      return connectAck!;
    };
    await waitFor(() => firstDn.dataset.getReplica(old.poolId, old.blockId)?.numBytes === sentBytes, 'the unacked packet on disk');
    // bytes acknowledged beyond what the replica acknowledged
    let r = await recover({ minBytesRcvd: sentBytes + 512, maxBytesRcvd: sentBytes + 512 });
    expect(r.status).to.equal('ERROR');
    expect(r.message).to.match(new RegExp(`^Unmatched length replica ReplicaBeingWritten, blk_${old.blockId}_${old.generationStamp}, RBW\\n[^]*: BytesAcked = ${ackedBytes} BytesRcvd = ${sentBytes} are not in the range of \\[${sentBytes + 512}, ${sentBytes + 512}\\]\\.$`));
    // a stale new stamp (older than the replica's)
    r = await recover({ newGS: old.generationStamp - 1 });
    expect(r.message).to.equal(`Cannot append to a replica with unexpected generation stamp ${old.poolId}:blk_${old.blockId}_${old.generationStamp}. Expected GS range is [${old.generationStamp}, ${old.generationStamp - 1}].`);
    // a DataNode without the replica; a close recovery of a replica whose bytes are not all acknowledged
    const other = dns.find((d) => !w.nodes.some((n) => n.id.datanodeUuid === d.datanodeUuid))!;
    const otherInfo = { ...first, id: { ...first.id, datanodeUuid: other.datanodeUuid, xferPort: other.xferAddress.port } };
    const { pipeline: p4, connectAck: missing } = await Pipeline.open(await handshake(c, nn, lb.blockToken), [otherInfo], [other.dataset.storageId], {
      block: old, token: lb.blockToken, clientName: w.open.clientName, stage: 'PIPELINE_SETUP_STREAMING_RECOVERY', minBytesRcvd: ackedBytes, maxBytesRcvd: sentBytes, newGS,
    });
    p4.close();
    expect(missing).to.deep.include({ status: 'ERROR', message: `Replica does not exist ${old.poolId}:${old.blockId}` });
    r = await recover({ stage: 'PIPELINE_CLOSE_RECOVERY', minBytesRcvd: sentBytes });
    expect(r.message).to.match(/bytesRcvd\(\d+\), bytesOnDisk\(\d+\), and bytesAcked\(\d+\) are not the same\.$/);
    expect(firstDn.dataset.getReplica(old.poolId, old.blockId)).to.deep.include({ state: 'RBW', genStamp: old.generationStamp, numBytes: sentBytes, bytesAcked: ackedBytes });
    const read = await locatedBlock(nn, path).catch(() => undefined);
    expect(read?.blockToken, 'a READ token of the block').to.not.equal(undefined);
    // a READ token is no WRITE token: every recovery or transfer stage is refused before the replica changes (DataXceiver.checkAccess)
    for (const stage of ['PIPELINE_SETUP_STREAMING_RECOVERY', 'PIPELINE_SETUP_APPEND_RECOVERY', 'PIPELINE_CLOSE_RECOVERY', 'TRANSFER_RBW'] as const) {
      r = await recover({ stage, token: read!.blockToken, minBytesRcvd: stage === 'PIPELINE_SETUP_STREAMING_RECOVERY' ? ackedBytes : sentBytes, newGS: newGS + 10 });
      expect(r.status, stage).to.equal('ERROR_ACCESS_TOKEN');
    }
    expect(firstDn.dataset.getReplica(old.poolId, old.blockId)).to.deep.include({ state: 'RBW', genStamp: old.generationStamp, numBytes: sentBytes, bytesAcked: ackedBytes });
    // TRANSFER_BLOCK: a READ token is no COPY token; an unknown block is refused before any transfer
    const t = await TransferConnection.open(first.id.xferPort, await handshake(c, nn, lb.blockToken));
    t.send(encodeOpTransferBlock({ header: { baseHeader: { block: old, token: read?.blockToken ?? lb.blockToken }, clientName: w.open.clientName }, targets: [w.nodes[2]!], targetStorageTypes: ['DISK'], targetStorageIds: [w.storageIds[2]!] }));
    expect((await t.response())?.status).to.equal('ERROR_ACCESS_TOKEN');
    t.close();
    const added = await nn.getAdditionalDatanode({ src: path, fileId: w.open.fileId, blk: old, existings: [first], existingStorageUuids: [w.storageIds[0]!], excludes: [w.nodes[1]!], numAdditionalNodes: 1, clientName: w.open.clientName });
    const d = added.locs!.findIndex((n) => n.id.datanodeUuid !== first.id.datanodeUuid);
    const u = await TransferConnection.open(first.id.xferPort, await handshake(c, nn, added.blockToken));
    u.send(encodeOpTransferBlock({ header: { baseHeader: { block: { ...old, generationStamp: newGS + 5 }, token: added.blockToken }, clientName: w.open.clientName }, targets: [added.locs![d]!], targetStorageTypes: ['DISK'], targetStorageIds: [added.storageIDs![d]!] }));
    expect(await u.response()).to.deep.include({ status: 'ERROR', message: `${old.generationStamp} = storedGS < b.getGenerationStamp(), b=${old.poolId}:blk_${old.blockId}_${newGS + 5}` });
    u.close();
    // and the right request still works: the write completes through the first node alone
    const { pipeline, connectAck } = await Pipeline.open(await handshake(c, nn, lb.blockToken), [first], [w.storageIds[0]!], {
      block: old, token: lb.blockToken, clientName: w.open.clientName, stage: 'PIPELINE_SETUP_STREAMING_RECOVERY', minBytesRcvd: ackedBytes, maxBytesRcvd: sentBytes, newGS,
    });
    expect(connectAck).to.deep.include({ status: 'SUCCESS' });
    await nn.updatePipeline({ clientName: w.open.clientName, oldBlock: old, newBlock: { ...old, generationStamp: newGS, numBytes: ackedBytes }, newNodes: [first.id], storageIDs: [w.storageIds[0]!] });
    await pipeline.sendAcked(w.packets.slice(2));
    pipeline.close();
    await completeFile(nn, { ...w.open, located: { ...w.open.located, b: { ...old, generationStamp: newGS } } }, w.data.length);
    await expectReplicas(c, nn, path, w.data, dns, newGS, 1);
  });
});
