// DataNode.transferBlock / DataTransfer (cluster/datanode/transfer/data-transfer.ts) against a real
// receiving Xceiver over in-memory streams, with real datasets on temp dirs and real block keys:
// the WRITE_BLOCK op a DataNode sender writes (empty client name, PIPELINE_SETUP_CREATE, itself as
// source, the other targets downstream, its own WRITE token for the targets' storages), the copy
// finalized on the target without RECEIVING and without acks, and the replica checks that refuse
// to send (missing, unfinalized or short replicas).
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { BlockPoolTokens } from '../../../cluster/datanode/block-access.ts';
import { FsDataset } from '../../../cluster/datanode/storage/fs-dataset.ts';
import { ReplicaReader } from '../../../cluster/datanode/storage/replica-reader.ts';
import type { Replica } from '../../../cluster/datanode/storage/replica.ts';
import { BlockTransfers, type TransferReports } from '../../../cluster/datanode/transfer/data-transfer.ts';
import type { Mirror, MirrorConnector } from '../../../cluster/datanode/transfer/mirror.ts';
import { Xceiver, type XceiverServices } from '../../../cluster/datanode/transfer/xceiver.ts';
import { ByteQueue } from '../../../cluster/protocol/datatransfer/byte-queue.ts';
import { computeChecksums } from '../../../cluster/protocol/datatransfer/checksum.ts';
import { FrameInput } from '../../../cluster/protocol/datatransfer/frame-input.ts';
import { FrameOutput } from '../../../cluster/protocol/datatransfer/frame-output.ts';
import { decodeOpWriteBlock, type OpWriteBlock } from '../../../cluster/protocol/datatransfer/messages.ts';
import { tryReadOpRequest } from '../../../cluster/protocol/datatransfer/op-frame.ts';
import type { DatanodeInfo, ExtendedBlock } from '../../../cluster/protocol/hdfs-types.ts';
import { BlockTokenIdentifier } from '../../../security/token/block-token-identifier.ts';
import { DelegationKey } from '../../../security/token/keys/delegation-key.ts';
import { until } from '../../support/until.ts';

const BP = 'BP-7-127.0.0.1-7';
const KEY = new DelegationKey(9, Date.now() + 3_600_000, Uint8Array.of(8, 7, 6, 5, 4, 3, 2, 1));
const CRC = { type: 'CHECKSUM_CRC32C', bytesPerChecksum: 512 } as const;
const node = (port: number, uuid: string): DatanodeInfo => ({ id: { ipAddr: '127.0.0.1', hostName: 'localhost', datanodeUuid: uuid, xferPort: port, infoPort: 0, ipcPort: 0 } });

function keyed(): BlockPoolTokens {
  const access = new BlockPoolTokens();
  access.setKeys(BP, { isBlockTokenEnabled: true, keyUpdateInterval: 600_000, tokenLifetime: 600_000, currentKey: KEY, allKeys: [KEY] });
  return access;
}

async function dataset(dir: string): Promise<FsDataset> {
  const d = await FsDataset.open(dir);
  await d.attachBlockPool({ blockPoolID: BP, namespaceID: 1, clusterID: 'CID-1', cTime: 0 });
  return d;
}

/** A finalized replica of `data` in `d`. */
async function finalized(d: FsDataset, blockId: number, data: Buffer): Promise<Replica> {
  const { replica, writer } = await d.createRbw(BP, blockId, 1001, CRC, `blk_${blockId}_1001`);
  replica.numBytes = await writer.writeRun([{ offset: 0, data, checksums: computeChecksums(CRC, data) }]);
  await d.finalize(BP, replica, writer);
  return replica;
}

describe('datanode/data-transfer: DNA_TRANSFER as a DataNode sender', () => {
  let dir: string;
  let source: FsDataset;
  let target: FsDataset;
  const events: string[] = [];
  const reports: string[] = [];
  const ops: OpWriteBlock[] = [];
  let downstream = 0;
  const reportsTo: TransferReports = {
    invalidBlock: (bpid, msg) => reports.push(`INVALID_BLOCK ${bpid} ${msg}`),
    badBlock: (b, msg) => reports.push(`BAD blk_${b.blockId} ${msg}`),
  };

  /** A connector whose "network" is a receiving Xceiver on `target` (the op is also decoded for the test). */
  function toTarget(): MirrorConnector {
    const services: XceiverServices = {
      settings: { socketTimeoutMs: 2000, socketWriteTimeoutMs: 2000, keepaliveMs: 0, xceiverStopTimeoutMs: 2000 },
      dataset: target,
      access: keyed(),
      blockPool: async () => ({
        xferAddr: '127.0.0.1:2002',
        notifyReceiving: (r: Replica) => events.push(`RECEIVING ${r.blockId}`),
        notifyReceived: async (r: Replica) => void events.push(`RECEIVED ${r.blockId} ${r.numBytes} ${r.state}`),
      }),
      // the next target downstream: takes what it is sent (a DataNode sender's pipeline has no acks)
      mirrors: {
        connect: async (t) => {
          const sink = new PassThrough();
          sink.on('data', (c: Buffer) => void (downstream += c.length));
          return { addr: `${t.id.ipAddr}:${t.id.xferPort}`, input: new FrameInput(new PassThrough(), 'down'), output: new FrameOutput(sink, 'down', 2000), close: () => sink.destroy() };
        },
      },
      transferReplica: async () => undefined,
    };
    return {
      connect: async (t) => {
        const toDn = new PassThrough();
        const fromDn = new PassThrough();
        const seen = new ByteQueue();
        toDn.on('data', (c: Buffer) => {
          seen.push(c);
          const req = ops.length === 0 ? tryReadOpRequest(seen) : undefined;
          if (req) ops.push(decodeOpWriteBlock(req.body));
        });
        const x = new Xceiver('127.0.0.1:2001', new FrameInput(toDn, 'src'), new FrameOutput(fromDn, 'src', 2000), services);
        void x.run().catch((e: unknown) => events.push(`FAILED ${(e as Error).message}`)).finally(() => fromDn.end());
        const mirror: Mirror = {
          addr: `${t.id.ipAddr}:${t.id.xferPort}`,
          input: new FrameInput(fromDn, 'target'),
          output: new FrameOutput(toDn, 'target', 2000),
          close: () => {
            toDn.destroy();
            fromDn.destroy();
          },
        };
        return mirror;
      },
    };
  }

  function transfers(): BlockTransfers {
    return new BlockTransfers({
      dataset: source, access: keyed(), mirrors: toTarget(), reports: reportsTo, userName: 'dn', socketTimeoutMs: 2000,
      self: () => node(2001, 'dn-src'),
    });
  }

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hsec-dn-xfer-'));
    source = await dataset(join(dir, 'src'));
    target = await dataset(join(dir, 'dst'));
    events.length = 0;
    reports.length = 0;
    ops.length = 0;
    downstream = 0;
  });
  afterEach(async () => {
    await source.close();
    await target.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends WRITE_BLOCK as Hadoop\'s DataTransfer and the block as packets; the target finalizes the copy and reports only RECEIVED', async () => {
    const data = randomBytes(150_000);
    await finalized(source, 3001, data);
    const t = transfers();
    const block: ExtendedBlock = { poolId: BP, blockId: 3001, generationStamp: 1001, numBytes: data.length };
    t.transferBlocks(BP, {
      action: 'TRANSFER', blockPoolId: BP, blocks: [{ blockId: 3001, genStamp: 1001, numBytes: data.length }],
      targets: [{ datanodes: [node(2002, 'dn-b'), node(2003, 'dn-c')] }],
      targetStorageUuids: [{ storageUuids: ['DS-b', 'DS-c'] }], targetStorageTypes: [{ storageTypes: ['DISK', 'DISK'] }],
    });
    expect(t.xmitsInProgress).to.equal(1);
    expect(await until(() => events.some((e) => e.startsWith('RECEIVED')), 5000)).to.equal(true);
    await t.stop();
    expect(t.xmitsInProgress).to.equal(0);
    expect(events).to.deep.equal([`RECEIVED 3001 ${data.length} FINALIZED`]);
    expect(downstream).to.be.greaterThan(data.length); // the op and the packets went on to dn-c
    const op = ops[0]!;
    expect(op.header.clientName).to.equal('');
    expect(op.header.baseHeader.block).to.deep.equal(block);
    expect(op).to.deep.include({ stage: 'PIPELINE_SETUP_CREATE', pipelineSize: 0, minBytesRcvd: 0, maxBytesRcvd: 0, latestGenerationStamp: 0, storageType: 'DISK', storageId: 'DS-b' });
    expect(op.targets!.map((d) => d.id.datanodeUuid)).to.deep.equal(['dn-c']);
    expect(op.targetStorageTypes).to.deep.equal(['DISK']);
    expect(op.targetStorageIds).to.deep.equal(['DS-c']);
    expect(op.source!.id.datanodeUuid).to.equal('dn-src');
    expect(op.requestedChecksum).to.deep.equal(CRC);
    expect(op.cachingStrategy).to.deep.equal({ dropBehind: true, readahead: 4 * 1024 * 1024 });
    const id = BlockTokenIdentifier.decode(op.header.baseHeader.token!.identifier);
    expect(id).to.deep.include({ userId: 'dn', keyId: KEY.keyId, blockPoolId: BP, blockId: 3001 });
    expect(id.modes).to.deep.equal(['WRITE']);
    expect(id.storageTypes).to.deep.equal(['DISK', 'DISK']);
    expect(id.storageIds).to.deep.equal(['DS-b', 'DS-c']);
    const copy = target.getReplica(BP, 3001)!;
    expect(copy).to.deep.include({ state: 'FINALIZED', numBytes: data.length, genStamp: 1001 });
    const reader = await ReplicaReader.open(copy);
    try {
      expect(Buffer.compare((await reader.read(0, data.length, false)).data, data)).to.equal(0);
    } finally {
      await reader.close();
    }
  });

  it('a missing, unfinalized, other-stamp or short replica is not sent: INVALID_BLOCK or a bad-block report', async () => {
    const t = transfers();
    const targets = [node(2002, 'dn-b')];
    t.transferBlock({ poolId: BP, blockId: 4001, generationStamp: 1001, numBytes: 10 }, targets, ['DISK'], ['DS-b']);
    const rbw = await source.createRbw(BP, 4002, 1001, CRC, 'blk_4002_1001');
    t.transferBlock({ poolId: BP, blockId: 4002, generationStamp: 1001, numBytes: 0 }, targets, ['DISK'], ['DS-b']);
    await source.abort(BP, rbw.replica, rbw.writer);
    await finalized(source, 4003, Buffer.alloc(100, 1));
    t.transferBlock({ poolId: BP, blockId: 4003, generationStamp: 1002, numBytes: 100 }, targets, ['DISK'], ['DS-b']);
    t.transferBlock({ poolId: BP, blockId: 4003, generationStamp: 1001, numBytes: 200 }, targets, ['DISK'], ['DS-b']);
    expect(reports).to.deep.equal([
      `INVALID_BLOCK ${BP} Can't send invalid block ${BP}:blk_4001_1001`,
      `INVALID_BLOCK ${BP} Can't send invalid block ${BP}:blk_4002_1001`,
      `INVALID_BLOCK ${BP} Can't send invalid block ${BP}:blk_4003_1002`,
      `BAD blk_4003 Can't replicate block ${BP}:blk_4003_1001 because on-disk length 100 is shorter than NameNode recorded length 200`,
    ]);
    expect(t.xmitsInProgress).to.equal(0);
    expect(ops).to.deep.equal([]);
  });

  it('a copy cut short is dropped on the target (no RBW left, nothing reported)', async () => {
    const data = randomBytes(3 * 1024 * 1024);
    await finalized(source, 5001, data);
    const t = transfers();
    t.transferBlock({ poolId: BP, blockId: 5001, generationStamp: 1001, numBytes: data.length }, [node(2002, 'dn-b')], ['DISK'], ['DS-b']);
    expect(await until(() => target.getReplica(BP, 5001) !== undefined, 5000)).to.equal(true);
    await t.stop();
    expect(await until(() => target.getReplica(BP, 5001) === undefined, 5000)).to.equal(true);
    expect(events.filter((e) => e.startsWith('RECEIV'))).to.deep.equal([]);
  });
});
