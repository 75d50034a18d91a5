/**
 * The product client's pipeline recovery held to what Hadoop 3.4.1's DataStreamer sends, against
 * scripted DataNodes on loopback and a NameNode stand-in that records the calls: the bad node from
 * the ack's error index, from firstBadLink and from a broken connection; updateBlockForPipeline,
 * WRITE_BLOCK in PIPELINE_SETUP_STREAMING_RECOVERY / PIPELINE_CLOSE_RECOVERY /
 * PIPELINE_SETUP_APPEND_RECOVERY with the acked and sent byte counts and the new stamp, the
 * unacknowledged packets sent again, updatePipeline; ReplaceDatanodeOnFailure's DEFAULT after
 * hflush (getAdditionalDatanode, TRANSFER_BLOCK to a survivor); and the three ways a write fails
 * (all DataNodes bad, too many recoveries for one packet, a replacement the DataNode refuses). The
 * hsec DataNode's side of recovery is exercised end to end in pipeline-recovery.test.ts.
 */
import { expect } from 'chai';
import { once } from 'node:events';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { loadConfiguration } from '../../../lib/config/index.ts';
import { DataNodeChannels } from '../../../cluster/client/datanode-channel.ts';
import { HdfsOutputStream, type CreateRequestParts } from '../../../cluster/client/hdfs-output-stream.ts';
import { LeaseRenewer } from '../../../cluster/client/lease-renewer.ts';
import { ReplaceDatanodeOnFailure } from '../../../cluster/client/replace-datanode-on-failure.ts';
import { DEFAULT_SERVER_DEFAULTS } from '../../../cluster/protocol/client-protocol.ts';
import type { ClientProtocolClient } from '../../../cluster/protocol/client-protocol-client.ts';
import { decodeOpTransferBlock, decodeOpWriteBlock, encodeBlockOpResponse, type OpTransferBlock, type OpWriteBlock, type Status } from '../../../cluster/protocol/datatransfer/messages.ts';
import { encodeDelimited, tryReadOpRequest } from '../../../cluster/protocol/datatransfer/op-frame.ts';
import { tryReadPacket, type Packet } from '../../../cluster/protocol/datatransfer/packet.ts';
import { EMPTY_TOKEN, type DatanodeInfo, type ExtendedBlock, type LocatedBlock } from '../../../cluster/protocol/hdfs-types.ts';
import { ScriptedPeer } from '../../support/scripted-peer.ts';

const CHECKSUM = { type: 'CHECKSUM_CRC32C' as const, bytesPerChecksum: 512 };
const BLOCK_SIZE = 128 * 1024 * 1024;
const POOL = 'BP-1-127.0.0.1-1';

/** One scripted DataNode: a loopback listener whose connections the test takes in order. */
class ScriptedDataNode {
  readonly server: Server;
  readonly uuid: string;
  readonly #sockets: Promise<Socket>[] = [];
  readonly #accept: ((s: Socket) => void)[] = [];

  constructor(uuid: string) {
    this.uuid = uuid;
    this.#next();
    this.server = createServer((socket) => {
      this.#accept.shift()!(socket);
      this.#next();
    });
  }

  #next(): void {
    this.#sockets.push(new Promise((resolve) => this.#accept.push(resolve)));
  }

  async listen(): Promise<void> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
  }

  get info(): DatanodeInfo {
    return { id: { ipAddr: '127.0.0.1', hostName: 'localhost', datanodeUuid: this.uuid, xferPort: (this.server.address() as AddressInfo).port, infoPort: 0, ipcPort: 0 } };
  }

  get addr(): string {
    return `127.0.0.1:${this.info.id.xferPort}`;
  }

  /** The client's `i`th connection to this DataNode. */
  async peer(i: number): Promise<ScriptedPeer> {
    return new ScriptedPeer(await this.#sockets[i]!);
  }
}

type Call = { method: string; args: unknown };

/** The peer's side of WRITE_BLOCK: the op, then `status` with `firstBadLink`. */
async function answerWrite(peer: ScriptedPeer, status: Status = 'SUCCESS', firstBadLink = ''): Promise<OpWriteBlock> {
  const req = await peer.expect((q) => tryReadOpRequest(q), 'WRITE_BLOCK op');
  expect(req.op).to.equal('WRITE_BLOCK');
  peer.send(encodeDelimited(encodeBlockOpResponse({ status, firstBadLink })));
  return decodeOpWriteBlock(req.body);
}

async function answerTransfer(peer: ScriptedPeer, status: Status = 'SUCCESS'): Promise<OpTransferBlock> {
  const req = await peer.expect((q) => tryReadOpRequest(q), 'TRANSFER_BLOCK op');
  expect(req.op).to.equal('TRANSFER_BLOCK');
  peer.send(encodeDelimited(encodeBlockOpResponse({ status })));
  return decodeOpTransferBlock(req.body);
}

const nextPacket = async (peer: ScriptedPeer, what: string): Promise<Packet> => {
  for (;;) {
    const p = await peer.expect((q) => tryReadPacket(q), what);
    if (p.header.seqno !== -1) return p; // heartbeats
  }
};

/** Acknowledges every packet up to and including the block's last one; returns the data bytes received. */
async function ackAll(peer: ScriptedPeer, reply: Status[]): Promise<Buffer> {
  const data: Buffer[] = [];
  for (;;) {
    const p = await nextPacket(peer, 'a packet');
    data.push(Buffer.from(p.data));
    peer.ack(p.header.seqno, reply);
    if (p.header.lastPacketInBlock) return Buffer.concat(data);
  }
}

describe('hdfs client: pipeline recovery as DataStreamer does it (scripted DataNodes, NameNode stand-in)', function () {
  this.timeout(30_000);
  let dns: ScriptedDataNode[];
  let calls: Call[];
  let gs: number;

  beforeEach(async () => {
    dns = [1, 2, 3, 4].map((i) => new ScriptedDataNode(`dn-${i}`));
    await Promise.all(dns.map((d) => d.listen()));
    calls = [];
    gs = 1001;
  });
  afterEach(() => dns.forEach((d) => d.server.close()));

  const located = (nodes: ScriptedDataNode[], block: Partial<ExtendedBlock> = {}): LocatedBlock => ({
    b: { poolId: POOL, blockId: 1073741825, generationStamp: 1001, numBytes: 0, ...block },
    offset: 0, locs: nodes.map((n) => n.info), corrupt: false, blockToken: EMPTY_TOKEN,
    storageTypes: nodes.map(() => 'DISK' as const), storageIDs: nodes.map((n) => `DS-${n.uuid}`),
  });

  /** The NameNode stand-in: answers what a writer asks and records it. */
  function nameNode(o: { blocks: LocatedBlock[]; additional?: ScriptedDataNode[]; append?: LocatedBlock; replication?: number; blockSize?: number }) {
    const record = (method: string, args: unknown) => calls.push({ method, args });
    return {
      getServerDefaults: async () => ({ ...DEFAULT_SERVER_DEFAULTS }),
      create: async () => (record('create', {}), { fileType: 'IS_FILE', fileId: 16386, blocksize: o.blockSize ?? BLOCK_SIZE, block_replication: o.replication ?? 3 }),
      append: async () => (record('append', {}), { block: o.append, stat: { fileType: 'IS_FILE', fileId: 16386, blocksize: BLOCK_SIZE, block_replication: o.replication ?? 3, length: o.append?.b.numBytes ?? 0 } }),
      addBlock: async (r: unknown) => (record('addBlock', r), o.blocks.shift()),
      abandonBlock: async (b: ExtendedBlock) => void record('abandonBlock', b),
      updateBlockForPipeline: async (b: ExtendedBlock) => (record('updateBlockForPipeline', b), { ...located([]), b: { ...b, generationStamp: ++gs }, locs: [] }),
      updatePipeline: async (r: unknown) => void record('updatePipeline', r),
      getAdditionalDatanode: async (r: { blk: ExtendedBlock; excludes: DatanodeInfo[] }) => (record('getAdditionalDatanode', { ...r, excludes: [...r.excludes] }), { ...located(o.additional ?? []), b: r.blk }),
      fsync: async () => void record('fsync', {}),
      complete: async (_src: string, _client: string, last: ExtendedBlock) => (record('complete', last), true),
    } as unknown as ClientProtocolClient;
  }

  function stream(nn: ClientProtocolClient, o: { policy?: ReplaceDatanodeOnFailure; maxRetries?: number; append?: boolean; restartTimeoutMs?: number } = {}) {
    const channels = new DataNodeChannels(loadConfiguration({ env: {}, overrides: { 'hadoop.security.authentication': 'simple' } }), nn);
    const create: CreateRequestParts = { createFlag: 1, replication: 3, blockSize: BLOCK_SIZE, masked: 0o644, unmasked: 0o666, createParent: true, ...(o.append ? { append: { newBlock: false } } : {}) };
    return new HdfsOutputStream({
      nn, channels, leases: new LeaseRenewer(async () => undefined), clientName: 'DFSClient_NONMAPREDUCE_1_1',
      checksum: CHECKSUM, writePacketSize: 65536, maxPacketsInFlight: 80, blockWriteRetries: 3, locateFollowingRetries: 5, locateFollowingInitialDelayMs: 400, locateFollowingMaxDelayMs: 60_000,
      replaceDatanodeOnFailure: o.policy ?? new ReplaceDatanodeOnFailure('DEFAULT'), maxPipelineRecoveryRetries: o.maxRetries ?? 5, datanodeRestartTimeoutMs: o.restartTimeoutMs ?? 30_000,
    }, '/f', create);
  }

  const called = (method: string) => calls.filter((c) => c.method === method).map((c) => c.args);
  const uuids = (nodes: readonly { datanodeUuid: string }[] | undefined) => (nodes ?? []).map((n) => n.datanodeUuid);

  it('a DataNode the ack names bad leaves the pipeline: new stamp, PIPELINE_SETUP_STREAMING_RECOVERY to the rest, the unacked packet again, updatePipeline', async () => {
    const [dn1, dn2, dn3] = dns as [ScriptedDataNode, ScriptedDataNode, ScriptedDataNode];
    const nn = nameNode({ blocks: [located([dn1, dn2, dn3])] });
    const data = Buffer.alloc(3000, 6);
    const written = pipeline(Readable.from([data]), stream(nn));

    const first = await dn1.peer(0);
    const op1 = await answerWrite(first);
    expect(op1.stage).to.equal('PIPELINE_SETUP_CREATE');
    const sent = await nextPacket(first, 'data packet');
    // the first DataNode reports its mirror (index 1) failed
    first.ack(sent.header.seqno, ['SUCCESS', 'ERROR']);

    const second = await dn1.peer(1);
    const op2 = await answerWrite(second);
    expect(op2.stage).to.equal('PIPELINE_SETUP_STREAMING_RECOVERY');
    expect(op2.header.baseHeader.block).to.include({ blockId: 1073741825, generationStamp: 1001 });
    expect(op2.latestGenerationStamp).to.equal(1002);
    expect(op2.minBytesRcvd).to.equal(0);
    expect(op2.maxBytesRcvd).to.equal(3000);
    expect(op2.pipelineSize).to.equal(2);
    expect(uuids(op2.targets?.map((t) => t.id))).to.deep.equal(['dn-3']);
    expect(op2.targetStorageIds).to.deep.equal(['DS-dn-3']);
    const again = await nextPacket(second, 'the unacked packet sent again');
    expect(again.header).to.include({ seqno: 0, offsetInBlock: 0, dataLen: 3000 });
    expect(Buffer.from(again.data)).to.deep.equal(data);
    second.ack(0, ['SUCCESS', 'SUCCESS']);
    const last = await nextPacket(second, 'last packet');
    expect(last.header).to.include({ seqno: 1, lastPacketInBlock: true });
    second.ack(1, ['SUCCESS', 'SUCCESS']);
    await written;

    expect(calls.map((c) => c.method)).to.deep.equal(['create', 'addBlock', 'updateBlockForPipeline', 'updatePipeline', 'complete']);
    expect(called('updateBlockForPipeline')[0]).to.include({ generationStamp: 1001, numBytes: 0 });
    const update = called('updatePipeline')[0] as { oldBlock: ExtendedBlock; newBlock: ExtendedBlock; newNodes: { datanodeUuid: string }[]; storageIDs: string[] };
    expect(update.oldBlock).to.include({ generationStamp: 1001 });
    expect(update.newBlock).to.include({ generationStamp: 1002, numBytes: 0 });
    expect(uuids(update.newNodes)).to.deep.equal(['dn-1', 'dn-3']);
    expect(update.storageIDs).to.deep.equal(['DS-dn-1', 'DS-dn-3']);
    expect(called('complete')[0]).to.include({ generationStamp: 1002, numBytes: 3000 });
  });

  it('the first DataNode dies after the last packet went out: PIPELINE_CLOSE_RECOVERY to the others, no packet sent again, the block completes with the new stamp', async () => {
    const [dn1, dn2, dn3] = dns as [ScriptedDataNode, ScriptedDataNode, ScriptedDataNode];
    const nn = nameNode({ blocks: [located([dn1, dn2, dn3])] });
    const written = pipeline(Readable.from([Buffer.alloc(3000, 7)]), stream(nn));
    const first = await dn1.peer(0);
    await answerWrite(first);
    first.ack((await nextPacket(first, 'data packet')).header.seqno, ['SUCCESS', 'SUCCESS', 'SUCCESS']);
    expect((await nextPacket(first, 'last packet')).header.lastPacketInBlock).to.equal(true);
    first.socket.destroy(); // the DataNode is gone before it acknowledged the end of the block

    const peer = await dn2.peer(0);
    const op = await answerWrite(peer);
    expect(op.stage).to.equal('PIPELINE_CLOSE_RECOVERY');
    expect(op.minBytesRcvd).to.equal(3000);
    expect(op.maxBytesRcvd).to.equal(3000);
    expect(op.latestGenerationStamp).to.equal(1002);
    expect(uuids(op.targets?.map((t) => t.id))).to.deep.equal(['dn-3']);
    await written;
    expect(await peer.next((q) => tryReadPacket(q), 300)).to.equal(undefined);
    const update = called('updatePipeline')[0] as { newBlock: ExtendedBlock; newNodes: { datanodeUuid: string }[] };
    expect(uuids(update.newNodes)).to.deep.equal(['dn-2', 'dn-3']);
    expect(called('complete')[0]).to.include({ generationStamp: 1002, numBytes: 3000 });
  });

  it('a local DataNode that acks OOB_RESTART is waited for and kept: after the wait the same three nodes get the recovery', async () => {
    const [dn1, dn2, dn3] = dns as [ScriptedDataNode, ScriptedDataNode, ScriptedDataNode];
    const nn = nameNode({ blocks: [located([dn1, dn2, dn3])] });
    const written = pipeline(Readable.from([Buffer.alloc(900, 8)]), stream(nn, { restartTimeoutMs: 300 }));
    const first = await dn1.peer(0);
    await answerWrite(first);
    const sent = await nextPacket(first, 'data packet');
    const at = Date.now();
    first.ack(sent.header.seqno, ['SUCCESS', 'OOB_RESTART', 'SUCCESS']);
    const peer = await dn1.peer(1);
    expect(Date.now() - at, 'waited min(restart timeout, 4 s)').to.be.at.least(250);
    const op = await answerWrite(peer);
    expect(op.stage).to.equal('PIPELINE_SETUP_STREAMING_RECOVERY');
    expect(uuids(op.targets?.map((t) => t.id))).to.deep.equal(['dn-2', 'dn-3']);
    expect(await ackAll(peer, ['SUCCESS', 'SUCCESS', 'SUCCESS'])).to.deep.equal(Buffer.alloc(900, 8));
    await written;
    expect(uuids((called('updatePipeline')[0] as { newNodes: { datanodeUuid: string }[] }).newNodes)).to.deep.equal(['dn-1', 'dn-2', 'dn-3']);
  });

  it('after hflush, DEFAULT replaces the lost DataNode: getAdditionalDatanode, TRANSFER_BLOCK from a survivor to the new node, then the recovery with it', async () => {
    const [dn1, dn2, dn3, dn4] = dns as [ScriptedDataNode, ScriptedDataNode, ScriptedDataNode, ScriptedDataNode];
    const nn = nameNode({ blocks: [located([dn1, dn2, dn3])], additional: [dn1, dn4, dn2] });
    const out = stream(nn);
    const head = Buffer.alloc(3000, 1);
    const tail = Buffer.alloc(3000, 2);
    const first = dn1.peer(0);
    out.write(head);
    const flushed = out.hflush();
    const p1 = await first;
    await answerWrite(p1);
    p1.ack((await nextPacket(p1, 'hflushed packet')).header.seqno, ['SUCCESS', 'SUCCESS', 'SUCCESS']);
    await flushed;
    const ended = new Promise<void>((resolve, reject) => out.end(tail, () => resolve()).once('error', reject));
    const pkt = await nextPacket(p1, 'second packet');
    p1.ack(pkt.header.seqno, ['SUCCESS', 'SUCCESS', 'ERROR']); // the third DataNode failed

    const transfer = await answerTransfer(await dn1.peer(1));
    expect(uuids(transfer.targets?.map((t) => t.id))).to.deep.equal(['dn-4']);
    expect(transfer.targetStorageIds).to.deep.equal(['DS-dn-4']);
    expect(transfer.header.baseHeader.block).to.include({ generationStamp: 1001, numBytes: 3000 });
    const p3 = await dn1.peer(2);
    const op = await answerWrite(p3);
    expect(op.stage).to.equal('PIPELINE_SETUP_STREAMING_RECOVERY');
    expect(uuids(op.targets?.map((t) => t.id))).to.deep.equal(['dn-4', 'dn-2']);
    expect(op.minBytesRcvd).to.equal(3000);
    expect(op.maxBytesRcvd).to.equal(6000);
    const again = await nextPacket(p3, 'the unacked packet sent again');
    expect(again.header.seqno).to.equal(pkt.header.seqno);
    p3.ack(again.header.seqno, ['SUCCESS', 'SUCCESS', 'SUCCESS']);
    const last = await nextPacket(p3, 'last packet');
    p3.ack(last.header.seqno, ['SUCCESS', 'SUCCESS', 'SUCCESS']);
    await ended;

    const add = called('getAdditionalDatanode')[0] as { existings: DatanodeInfo[]; excludes: DatanodeInfo[]; numAdditionalNodes: number; existingStorageUuids: string[] };
    expect(uuids(add.existings.map((d) => d.id))).to.deep.equal(['dn-1', 'dn-2']);
    expect(uuids(add.excludes.map((d) => d.id))).to.deep.equal(['dn-3']);
    expect(add.existingStorageUuids).to.deep.equal(['DS-dn-1', 'DS-dn-2']);
    expect(add.numAdditionalNodes).to.equal(1);
    const update = called('updatePipeline')[0] as { newNodes: { datanodeUuid: string }[] };
    expect(uuids(update.newNodes)).to.deep.equal(['dn-1', 'dn-4', 'dn-2']);
    expect(called('complete')[0]).to.include({ generationStamp: 1002, numBytes: 6000 });
  });

  it('firstBadLink at set-up: the block is abandoned and the named DataNode (not the first) excluded from the next addBlock', async () => {
    const [dn1, dn2, dn3] = dns as [ScriptedDataNode, ScriptedDataNode, ScriptedDataNode];
    const nn = nameNode({ blocks: [located([dn1, dn2, dn3]), located([dn1, dn3], { blockId: 1073741826 })] });
    const written = pipeline(Readable.from([Buffer.alloc(100, 3)]), stream(nn));
    await answerWrite(await dn1.peer(0), 'ERROR', dn2.addr);
    const peer = await dn1.peer(1);
    await answerWrite(peer);
    peer.ack((await nextPacket(peer, 'data packet')).header.seqno, ['SUCCESS', 'SUCCESS']);
    peer.ack((await nextPacket(peer, 'last packet')).header.seqno, ['SUCCESS', 'SUCCESS']);
    await written;
    expect(calls.map((c) => c.method)).to.deep.equal(['create', 'addBlock', 'abandonBlock', 'addBlock', 'complete']);
    expect(uuids((called('addBlock')[1] as { excludeNodes: DatanodeInfo[] }).excludeNodes.map((d) => d.id))).to.deep.equal(['dn-2']);
  });

  it('a DataNode excluded at one block\'s set-up stays excluded from the stream\'s later blocks (DataStreamer.excludedNodes, ten minutes by default)', async () => {
    const [dn1, dn2, dn3] = dns as [ScriptedDataNode, ScriptedDataNode, ScriptedDataNode];
    const nn = nameNode({ blockSize: 1024, blocks: [located([dn1, dn2, dn3]), located([dn1, dn3], { blockId: 1073741826 }), located([dn1, dn3], { blockId: 1073741827 })] });
    const written = pipeline(Readable.from([Buffer.alloc(2048, 5)]), stream(nn));
    await answerWrite(await dn1.peer(0), 'ERROR', dn2.addr);
    for (const i of [1, 2]) {
      const peer = await dn1.peer(i);
      await answerWrite(peer);
      expect((await ackAll(peer, ['SUCCESS', 'SUCCESS'])).length, `block ${i}`).to.equal(1024);
    }
    await written;
    const excludes = called('addBlock').map((r) => uuids(((r as { excludeNodes?: DatanodeInfo[] }).excludeNodes ?? []).map((d) => d.id)));
    expect(excludes).to.deep.equal([[], ['dn-2'], ['dn-2']]);
  });

  it('with .min-replication 2, a new block whose set-up fails at one DataNode is recovered with the others (stage PIPELINE_SETUP_CREATE, new stamp), not abandoned', async () => {
    const [dn1, dn2, dn3] = dns as [ScriptedDataNode, ScriptedDataNode, ScriptedDataNode];
    const nn = nameNode({ blocks: [located([dn1, dn2, dn3])] });
    const written = pipeline(Readable.from([Buffer.alloc(700, 5)]), stream(nn, { policy: new ReplaceDatanodeOnFailure('DEFAULT', false, 2) }));
    await answerWrite(await dn1.peer(0), 'ERROR', dn3.addr);
    const peer = await dn1.peer(1);
    const op = await answerWrite(peer);
    expect(op.stage).to.equal('PIPELINE_SETUP_CREATE');
    expect(op.header.baseHeader.block).to.include({ generationStamp: 1002 });
    expect(op.latestGenerationStamp).to.equal(1002);
    expect(uuids(op.targets?.map((t) => t.id))).to.deep.equal(['dn-2']);
    expect(await ackAll(peer, ['SUCCESS', 'SUCCESS'])).to.deep.equal(Buffer.alloc(700, 5));
    await written;
    expect(calls.map((c) => c.method)).to.deep.equal(['create', 'addBlock', 'updateBlockForPipeline', 'updatePipeline', 'complete']);
    expect(uuids((called('updatePipeline')[0] as { newNodes: { datanodeUuid: string }[] }).newNodes)).to.deep.equal(['dn-1', 'dn-2']);
    expect(called('complete')[0]).to.include({ generationStamp: 1002, numBytes: 700 });
  });

  it('an append whose pipeline set-up fails at a DataNode goes on with PIPELINE_SETUP_APPEND_RECOVERY to the others (policy NEVER)', async () => {
    const [dn1, dn2, dn3] = dns as [ScriptedDataNode, ScriptedDataNode, ScriptedDataNode];
    const nn = nameNode({ blocks: [], append: located([dn1, dn2, dn3], { numBytes: 1000 }) });
    const written = pipeline(Readable.from([Buffer.alloc(500, 4)]), stream(nn, { append: true, policy: new ReplaceDatanodeOnFailure('NEVER') }));
    const op1 = await answerWrite(await dn1.peer(0), 'ERROR', dn3.addr);
    expect(op1.stage).to.equal('PIPELINE_SETUP_APPEND');
    expect(op1.latestGenerationStamp).to.equal(1002);
    const peer = await dn1.peer(1);
    const op2 = await answerWrite(peer);
    expect(op2.stage).to.equal('PIPELINE_SETUP_APPEND_RECOVERY');
    expect(op2.latestGenerationStamp).to.equal(1003);
    expect(op2.header.baseHeader.block).to.include({ generationStamp: 1001 });
    expect(op2.minBytesRcvd).to.equal(1000);
    expect(op2.maxBytesRcvd).to.equal(1000);
    expect(uuids(op2.targets?.map((t) => t.id))).to.deep.equal(['dn-2']);
    expect(await ackAll(peer, ['SUCCESS', 'SUCCESS'])).to.deep.equal(Buffer.alloc(500, 4));
    await written;
    expect(calls.map((c) => c.method)).to.deep.equal(['append', 'updateBlockForPipeline', 'updateBlockForPipeline', 'updatePipeline', 'complete']);
    const update = called('updatePipeline')[0] as { oldBlock: ExtendedBlock; newBlock: ExtendedBlock; newNodes: { datanodeUuid: string }[] };
    expect(update.oldBlock).to.include({ generationStamp: 1001 });
    expect(update.newBlock).to.include({ generationStamp: 1003, numBytes: 1000 });
    expect(uuids(update.newNodes)).to.deep.equal(['dn-1', 'dn-2']);
    expect(called('complete')[0]).to.include({ generationStamp: 1003, numBytes: 1500 });
  });

  it('the only DataNode fails: "All datanodes [...] are bad. Aborting..." (PIPELINE_ALL_BAD)', async () => {
    const [dn1] = dns as [ScriptedDataNode];
    const nn = nameNode({ blocks: [located([dn1])], replication: 1 });
    const written = pipeline(Readable.from([Buffer.alloc(100, 3)]), stream(nn)).then(() => undefined, (e: Error) => e);
    const peer = await dn1.peer(0);
    await answerWrite(peer);
    await nextPacket(peer, 'data packet');
    peer.socket.destroy();
    const e = (await written) as Error & { code?: string };
    expect(e).to.be.instanceOf(Error);
    expect(e.code).to.equal('PIPELINE_ALL_BAD');
    expect(e.message).to.equal(`All datanodes [${dn1.addr}] are bad. Aborting...`);
    expect(calls.map((c) => c.method)).to.deep.equal(['create', 'addBlock']);
  });

  it('more recoveries in a row for the same packet than dfs.client.pipeline.recovery.max-retries fail the write (PIPELINE_RECOVERY_LIMIT)', async () => {
    const [dn1, dn2, dn3] = dns as [ScriptedDataNode, ScriptedDataNode, ScriptedDataNode];
    const nn = nameNode({ blocks: [located([dn1, dn2, dn3])] });
    const written = pipeline(Readable.from([Buffer.alloc(100, 3)]), stream(nn, { maxRetries: 1 })).then(() => undefined, (e: Error) => e);
    const p1 = await dn1.peer(0);
    await answerWrite(p1);
    p1.ack((await nextPacket(p1, 'data packet')).header.seqno, ['SUCCESS', 'SUCCESS', 'ERROR']);
    const p2 = await dn1.peer(1);
    await answerWrite(p2);
    p2.ack((await nextPacket(p2, 'the packet again')).header.seqno, ['SUCCESS', 'ERROR']);
    const e = (await written) as Error & { code?: string };
    expect(e.code).to.equal('PIPELINE_RECOVERY_LIMIT');
    expect(e.message).to.equal('Failing write. Tried pipeline recovery 1 times without success.');
    expect(called('updatePipeline')).to.have.length(1);
  });

  /** The third DataNode fails, the policy asks for a replacement and every TRANSFER_BLOCK to it is refused. */
  async function replacementRefused(bestEffort: boolean) {
    const [dn1, dn2, dn3, dn4] = dns as [ScriptedDataNode, ScriptedDataNode, ScriptedDataNode, ScriptedDataNode];
    const nn = nameNode({ blocks: [located([dn1, dn2, dn3])], additional: [dn1, dn4, dn2] });
    const written = pipeline(Readable.from([Buffer.alloc(100, 3)]), stream(nn, { policy: new ReplaceDatanodeOnFailure('ALWAYS', bestEffort) })).then(() => undefined, (e: Error) => e);
    const p1 = await dn1.peer(0);
    await answerWrite(p1);
    p1.ack((await nextPacket(p1, 'data packet')).header.seqno, ['SUCCESS', 'SUCCESS', 'ERROR']);
    // three tries, the sources original[tried % 2]: dn1, dn2, dn1
    await answerTransfer(await dn1.peer(1), 'ERROR');
    await answerTransfer(await dn2.peer(0), 'ERROR');
    await answerTransfer(await dn1.peer(2), 'ERROR');
    const excludes = () => (called('getAdditionalDatanode') as { excludes: DatanodeInfo[] }[]).map((r) => uuids(r.excludes.map((d) => d.id)));
    return { written, excludes, dn1 };
  }

  it('a replacement no survivor can copy to, three times, fails the write (PIPELINE_REPLACE_FAILED)', async () => {
    const { written, excludes } = await replacementRefused(false);
    const e = (await written) as Error & { code?: string };
    expect(e.code).to.equal('PIPELINE_REPLACE_FAILED');
    expect(e.message).to.equal('Failed to add a datanode. Response status: ERROR');
    expect(excludes()).to.deep.equal([['dn-3'], ['dn-3', 'dn-4'], ['dn-3', 'dn-4', 'dn-4']]);
    expect(called('updatePipeline')).to.have.length(0);
  });

  it('with .best-effort, a failed replacement is logged and the write goes on with the survivors', async () => {
    const { written, dn1 } = await replacementRefused(true);
    const p = await dn1.peer(3);
    const op = await answerWrite(p);
    expect(op.stage).to.equal('PIPELINE_SETUP_STREAMING_RECOVERY');
    expect(uuids(op.targets?.map((t) => t.id))).to.deep.equal(['dn-2']);
    p.ack((await nextPacket(p, 'data packet')).header.seqno, ['SUCCESS', 'SUCCESS']);
    p.ack((await nextPacket(p, 'last packet')).header.seqno, ['SUCCESS', 'SUCCESS']);
    expect(await written).to.equal(undefined);
    expect(uuids((called('updatePipeline')[0] as { newNodes: { datanodeUuid: string }[] }).newNodes)).to.deep.equal(['dn-1', 'dn-2']);
  });

  it('a stream destroyed while hflush waits for acks: hflush fails at once, no recovery starts (DataStreamer.waitForAckedSeqno: checkClosed)', async () => {
    const [dn1] = dns as [ScriptedDataNode];
    const nn = nameNode({ blocks: [located([dn1])], replication: 1 });
    const out = stream(nn);
    out.on('error', () => undefined);
    out.write(Buffer.alloc(100, 3));
    const flushed = out.hflush().then(() => 'resolved', (e: Error) => e);
    const peer = await dn1.peer(0);
    await answerWrite(peer);
    await nextPacket(peer, 'data packet'); // never acknowledged
    out.destroy();
    const r = await Promise.race([flushed, new Promise((resolve) => setTimeout(() => resolve('still waiting'), 2000))]);
    expect(r).to.be.instanceOf(Error);
    expect((r as Error & { code?: string }).code).to.equal('FILE_IO');
    expect((r as Error).message).to.equal('The pipeline of block 1073741825 was closed while packet 0 waited for its acknowledgement');
    expect(calls.map((c) => c.method)).to.deep.equal(['create', 'addBlock']);
  });

  it('an ack with more replies than the pipeline has nodes is malformed: the first node is taken as bad (typed error, not a crash on a missing node)', async () => {
    const [dn1, dn2] = dns as [ScriptedDataNode, ScriptedDataNode];
    const nn = nameNode({ blocks: [located([dn1, dn2])], replication: 2 });
    const written = pipeline(Readable.from([Buffer.alloc(100, 3)]), stream(nn, { policy: new ReplaceDatanodeOnFailure('NEVER') })).then(() => undefined, (e: Error) => e);
    const p1 = await dn1.peer(0);
    await answerWrite(p1);
    p1.ack((await nextPacket(p1, 'data packet')).header.seqno, ['SUCCESS', 'SUCCESS', 'ERROR']);
    // dn1 leaves the pipeline; dn2 gets the recovery and the packet again
    const p2 = await dn2.peer(0);
    const op = await answerWrite(p2);
    expect(op.stage).to.equal('PIPELINE_SETUP_STREAMING_RECOVERY');
    p2.ack((await nextPacket(p2, 'the packet again')).header.seqno, ['SUCCESS']);
    p2.ack((await nextPacket(p2, 'last packet')).header.seqno, ['SUCCESS']);
    expect(await written).to.equal(undefined);
    expect(uuids((called('updatePipeline')[0] as { newNodes: { datanodeUuid: string }[] }).newNodes)).to.deep.equal(['dn-2']);
  });
});
