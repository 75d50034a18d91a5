// DataNode storage on a real temp directory: the meta header (BlockMetadataHeader), the VERSION
// files (Java properties), identity kept across reopen, the directory lock, cluster binding,
// replicas written to rbw/ and finalized into Hadoop's finalized/subdirN/subdirM layout, leftover
// rbw replicas found as RWR at their checksummed length, invalidation and reports.
import { expect } from 'chai';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, truncateSync } from 'node:fs';
import { access } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeMetadataHeader, encodeMetadataHeader } from '../../../cluster/datanode/storage/block-metadata-header.ts';
import { FsDataset } from '../../../cluster/datanode/storage/fs-dataset.ts';
import { atReplicaPath, BlockPoolLayout } from '../../../cluster/datanode/storage/replica.ts';
import { ReplicaReader } from '../../../cluster/datanode/storage/replica-reader.ts';
import { formatProperties, parseProperties } from '../../../cluster/datanode/storage/storage-version.ts';
import { computeChecksums } from '../../../cluster/protocol/datatransfer/checksum.ts';
import type { ChecksumSpec } from '../../../cluster/protocol/datatransfer/messages.ts';
import { rejectsCode, throwsCode } from '../../support/errors.ts';

const CRC: ChecksumSpec = { type: 'CHECKSUM_CRC32C', bytesPerChecksum: 512 };
const NS = { blockPoolID: 'BP-1-127.0.0.1-1', namespaceID: 7, clusterID: 'CID-a', cTime: 0 };

describe('datanode/storage', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hsec-dn-storage-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('meta header: version 1, type byte, int32 bytesPerChecksum (7 bytes, as BlockMetadataHeader writes it)', () => {
    expect(Buffer.from(encodeMetadataHeader(CRC)).toString('hex')).to.equal('00010200000200');
    expect(Buffer.from(encodeMetadataHeader({ type: 'CHECKSUM_CRC32', bytesPerChecksum: 1024 })).toString('hex')).to.equal('00010100000400');
    expect(decodeMetadataHeader(Buffer.from('00010200000200', 'hex'), 'm')).to.deep.equal(CRC);
    throwsCode(() => decodeMetadataHeader(Buffer.from('000102', 'hex'), 'm'), 'PROTOCOL_TRUNCATED');
    throwsCode(() => decodeMetadataHeader(Buffer.from('00020200000200', 'hex'), 'm'), 'PROTOCOL_VERSION');
    throwsCode(() => decodeMetadataHeader(Buffer.from('00010900000200', 'hex'), 'm'), 'PROTOCOL_MALFORMED');
    throwsCode(() => decodeMetadataHeader(Buffer.from('00010200000000', 'hex'), 'm'), 'PROTOCOL_MALFORMED');
  });

  it('VERSION files are Java properties: a date comment, escaped key=value lines, read back', () => {
    const text = formatProperties({ storageID: 'DS-1', clusterID: 'CID:x=y#z', cTime: 0 }, new Date(0));
    expect(text).to.equal('#Thu, 01 Jan 1970 00:00:00 GMT\nstorageID=DS-1\nclusterID=CID\\:x\\=y\\#z\ncTime=0\n');
    expect(Object.fromEntries(parseProperties(text))).to.deep.equal({ storageID: 'DS-1', clusterID: 'CID:x=y#z', cTime: '0' });
    expect(Object.fromEntries(parseProperties('! c\n  a : b\nk=v=w\n'))).to.deep.equal({ a: 'b', k: 'v=w' });
  });

  it('keeps its datanode UUID and storage id across reopen; a second DataNode on the directory is STORAGE_LOCKED', async () => {
    const a = await FsDataset.open(dir);
    expect(a.datanodeUuid).to.match(/^[0-9a-f-]{36}$/);
    expect(a.storageId).to.match(/^DS-[0-9a-f-]{36}$/);
    await rejectsCode(FsDataset.open(dir), 'STORAGE_LOCKED');
    const version = readFileSync(join(dir, 'current', 'VERSION'), 'utf8');
    expect(version).to.contain(`datanodeUuid=${a.datanodeUuid}`).and.contain('storageType=DATA_NODE').and.contain('layoutVersion=-57');
    await a.close();
    const b = await FsDataset.open(dir);
    expect([b.datanodeUuid, b.storageId]).to.deep.equal([a.datanodeUuid, a.storageId]);
    await b.close();
    // a lock left by a process that is gone is taken over
    writeFileSync(join(dir, 'in_use.lock'), '999999999@' + (await import('node:os')).hostname());
    await (await FsDataset.open(dir)).close();
  });

  it('binds to the first NameNode\'s cluster and refuses another clusterID or namespaceID (STORAGE_INCOMPATIBLE)', async () => {
    const ds = await FsDataset.open(dir);
    await ds.attachBlockPool(NS);
    expect(ds.clusterId).to.equal('CID-a');
    await rejectsCode(ds.attachBlockPool({ ...NS, clusterID: 'CID-b' }), 'STORAGE_INCOMPATIBLE');
    await rejectsCode(ds.attachBlockPool({ ...NS, namespaceID: 8 }), 'STORAGE_INCOMPATIBLE');
    await ds.close();
    const again = await FsDataset.open(dir);
    expect(again.clusterId).to.equal('CID-a');
    await again.close();
  });

  it('readers opening a replica\'s files by the paths it names (atReplicaPath) while it is finalized always find them; rbw/ is left empty', async () => {
    const ds = await FsDataset.open(dir);
    await ds.attachBlockPool(NS);
    const data = Buffer.alloc(1300, 9);
    const missed: string[] = [];
    for (let i = 0; i < 20; i++) {
      const { replica, writer } = await ds.createRbw(NS.blockPoolID, 1073741826 + i, 1001, CRC, 'b');
      await writer.write(0, data, computeChecksums(CRC, data));
      let done = false;
      // four readers, as concurrent ops of the DataNode would be, each opening what the replica names
      const readers = [0, 1, 2, 3].map(async () => {
        while (!done) {
          // as ReplicaReader and the checksum reader open them
          for (const file of ['metaFile', 'blockFile'] as const) await atReplicaPath(replica, file, (path) => access(path)).catch((e: NodeJS.ErrnoException) => void missed.push(`${e.code} ${file}`));
        }
      });
      await ds.finalize(NS.blockPoolID, replica, writer);
      done = true;
      await Promise.all(readers);
      expect(readFileSync(replica.blockFile)).to.deep.equal(data);
    }
    expect(missed).to.deep.equal([]);
    expect(readdirSync(new BlockPoolLayout(dir, NS.blockPoolID).rbw)).to.deep.equal([]);
    await ds.close();
  });

  it('writes a replica in rbw/, finalizes it into finalized/subdirN/subdirM with its meta file, and finds it again after reopen', async () => {
    const ds = await FsDataset.open(dir);
    await ds.attachBlockPool(NS);
    const data = Buffer.alloc(1300, 7);
    const { replica, writer } = await ds.createRbw(NS.blockPoolID, 1073741825, 1001, CRC, 'b');
    expect(replica.blockFile).to.equal(join(new BlockPoolLayout(dir, NS.blockPoolID).rbw, 'blk_1073741825'));
    await rejectsCode(ds.createRbw(NS.blockPoolID, 1073741825, 1001, CRC, 'b'), 'REPLICA_ALREADY_EXISTS');
    await writer.write(0, data.subarray(0, 1024), computeChecksums(CRC, data.subarray(0, 1024)));
    await writer.write(1024, data.subarray(1024), computeChecksums(CRC, data.subarray(1024)));
    await ds.finalize(NS.blockPoolID, replica, writer);
    // blockId 1073741825 = 0x40000001: bits 16-20 and 8-12 are 0
    const dir0 = join(new BlockPoolLayout(dir, NS.blockPoolID).finalized, 'subdir0', 'subdir0');
    expect(replica.blockFile).to.equal(join(dir0, 'blk_1073741825'));
    expect(replica.metaFile).to.equal(join(dir0, 'blk_1073741825_1001.meta'));
    const meta = readFileSync(replica.metaFile);
    expect(meta.subarray(0, 7).toString('hex')).to.equal('00010200000200');
    expect(meta.subarray(7)).to.deep.equal(Buffer.from(computeChecksums(CRC, data)));
    expect(ds.report(NS.blockPoolID)).to.deep.equal([{ blockId: 1073741825, numBytes: 1300, generationStamp: 1001, state: 'FINALIZED' }]);
    const usage = await ds.usage();
    expect(usage.dfsUsed).to.equal(1300 + 7 + 12);
    expect(usage.capacity).to.be.greaterThan(usage.remaining);
    await ds.close();

    const re = await FsDataset.open(dir);
    await re.attachBlockPool(NS);
    const found = re.getReplica(NS.blockPoolID, 1073741825)!;
    expect(found).to.include({ numBytes: 1300, genStamp: 1001, state: 'FINALIZED' });
    const reader = await ReplicaReader.open(found);
    const { data: got, checksums } = await reader.read(512, 1300, true);
    await reader.close();
    expect(got).to.deep.equal(data.subarray(512));
    expect(checksums).to.deep.equal(Buffer.from(computeChecksums(CRC, data.subarray(512))));
    await re.close();
  });

  it('a replica left in rbw/ comes back as RWR with the length its checksums cover; an aborted write leaves nothing', async () => {
    const ds = await FsDataset.open(dir);
    await ds.attachBlockPool(NS);
    const data = Buffer.alloc(2048, 1);
    const { replica, writer } = await ds.createRbw(NS.blockPoolID, 77, 5, CRC, 'b');
    await writer.write(0, data, computeChecksums(CRC, data));
    await writer.close();
    const aborted = await ds.createRbw(NS.blockPoolID, 78, 5, CRC, 'c');
    await ds.abort(NS.blockPoolID, aborted.replica, aborted.writer);
    expect(existsSync(aborted.replica.blockFile)).to.equal(false);
    await ds.close();
    truncateSync(replica.metaFile, 7 + 4 * 3); // the last chunk's checksum never made it to disk
    const re = await FsDataset.open(dir);
    await re.attachBlockPool(NS);
    expect(re.report(NS.blockPoolID)).to.deep.equal([{ blockId: 77, numBytes: 1536, generationStamp: 5, state: 'RWR' }]);
    await re.close();
  });

  it('invalidates replicas named with their generation stamp, reports the others and keeps them', async () => {
    const ds = await FsDataset.open(dir);
    await ds.attachBlockPool(NS);
    for (const id of [1, 2]) {
      const { replica, writer } = await ds.createRbw(NS.blockPoolID, id, 10, CRC, `b${id}`);
      await writer.write(0, Buffer.from('x'), computeChecksums(CRC, Buffer.from('x')));
      await ds.finalize(NS.blockPoolID, replica, writer);
    }
    const files = ds.getReplica(NS.blockPoolID, 1)!;
    const { deleted, failures } = await ds.invalidate(NS.blockPoolID, [{ blockId: 1, genStamp: 10 }, { blockId: 2, genStamp: 11 }, { blockId: 3, genStamp: 1 }]);
    expect(deleted.map((r) => r.blockId)).to.deep.equal([1]);
    expect(failures).to.deep.equal([
      'Failed to delete replica blk_2_11: GenerationStamp not matched, existing replica is blk_2_10',
      'Failed to delete replica blk_3_1: ReplicaInfo not found.',
    ]);
    expect(existsSync(files.blockFile) || existsSync(files.metaFile)).to.equal(false);
    expect(statSync(ds.getReplica(NS.blockPoolID, 2)!.blockFile).size).to.equal(1);
    await ds.close();
  });

  it('writer placement: in sequence on chunk boundaries; an hflushed partial chunk may be sent again from its start; bytes already on disk are skipped; a gap or a partial chunk past its boundary is refused', async () => {
    const ds = await FsDataset.open(dir);
    await ds.attachBlockPool(NS);
    const { replica, writer } = await ds.createRbw(NS.blockPoolID, 9, 1, CRC, 'blk9');
    const data = Buffer.alloc(1100, 3);
    await writer.write(0, data.subarray(0, 600), computeChecksums(CRC, data.subarray(0, 600))); // hflush at 600
    await rejectsCode(writer.write(600, data.subarray(600), computeChecksums(CRC, data.subarray(600))), 'PROTOCOL_MALFORMED'); // mid-chunk, past the boundary
    expect(await writer.write(0, data.subarray(0, 100), computeChecksums(CRC, data.subarray(0, 100)))).to.equal(600); // already on disk: skipped
    await rejectsCode(writer.write(1024, data.subarray(0, 10), computeChecksums(CRC, data.subarray(0, 10))), 'PROTOCOL_MALFORMED'); // a gap
    expect(await writer.write(512, data.subarray(512), computeChecksums(CRC, data.subarray(512)))).to.equal(1100); // resend from the chunk start
    await ds.finalize(NS.blockPoolID, replica, writer);
    expect(readFileSync(replica.metaFile).subarray(7)).to.deep.equal(Buffer.from(computeChecksums(CRC, data)));
    await ds.close();
  });
});
