// The checksums an append leaves on disk, checked by the JDK: the hsec DataNode's storage
// (FsDataset.append + ReplicaWriter, the code WRITE_BLOCK PIPELINE_SETUP_APPEND runs) reopens a
// finalized replica that ends inside a chunk, takes a first packet whose one CRC covers only the
// bytes completing that chunk, and must store the CRC of the whole chunk. BlockChecksumCheck.java
// verifies every chunk of the replica with java.util.zip.CRC32C / CRC32 (what Hadoop's DataChecksum
// uses on Java 9+), as a Java reader of the block would.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FsDataset } from '../../../cluster/datanode/storage/fs-dataset.ts';
import { computeChecksums } from '../../../cluster/protocol/datatransfer/checksum.ts';
import type { ChecksumSpec } from '../../../cluster/protocol/datatransfer/messages.ts';
import { compileJavaPeers } from '../../support/java.ts';

const NS = { blockPoolID: 'BP-1-127.0.0.1-1', namespaceID: 1, clusterID: 'CID-1', cTime: 0 };

describe('interop: append checksums on disk verified by the JDK (java.util.zip.CRC32C / CRC32)', function () {
  this.timeout(120_000);
  let classDir: string;
  let dir: string;
  let ds: FsDataset;
  before(async () => {
    classDir = compileJavaPeers();
    dir = mkdtempSync(join(tmpdir(), 'hsec-append-jdk-'));
    ds = await FsDataset.open(dir);
    await ds.attachBlockPool(NS);
  });
  after(async () => {
    await ds?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const check = (blockFile: string, metaFile: string) => spawnSync('java', ['-cp', classDir, 'BlockChecksumCheck', blockFile, metaFile], { encoding: 'utf8' });

  let blockId = 100;
  for (const type of ['CHECKSUM_CRC32C', 'CHECKSUM_CRC32'] as const) {
    for (const [initial, appends] of [[700, [324, 1500]], [1, [10, 2000]], [511, [1]], [1024, [300]], [700, [50, 274, 512]]] as const) {
      it(`${type}: ${initial} bytes, then appends of ${appends.join(', ')} (each a first packet completing the partial chunk, then whole chunks)`, async () => {
        const spec: ChecksumSpec = { type, bytesPerChecksum: 512 };
        const id = blockId++;
        let gs = 1001;
        let data: Buffer = randomBytes(initial);
        const created = await ds.createRbw(NS.blockPoolID, id, gs, spec, `blk_${id}`);
        await created.writer.write(0, data, computeChecksums(spec, data));
        await ds.finalize(NS.blockPoolID, created.replica, created.writer);
        for (const n of appends) {
          const more = randomBytes(n);
          const { replica, writer } = await ds.append(NS.blockPoolID, id, gs, gs + 1, data.length, `blk_${id}`);
          gs++;
          // DFSOutputStream for append: the first packet completes the partial chunk, its CRC over those bytes only
          const free = data.length % 512 === 0 ? 0 : 512 - (data.length % 512);
          const packets = free > 0 ? [more.subarray(0, Math.min(free, n)), more.subarray(Math.min(free, n))] : [more];
          let at = data.length;
          for (const p of packets.filter((x) => x.length > 0)) {
            await writer.write(at, p, computeChecksums(spec, p));
            at += p.length;
          }
          await ds.finalize(NS.blockPoolID, replica, writer);
          data = Buffer.concat([data, more]);
          expect(replica).to.include({ genStamp: gs, numBytes: data.length, state: 'FINALIZED' });
        }
        const r = ds.getReplica(NS.blockPoolID, id)!;
        expect(readFileSync(r.blockFile)).to.deep.equal(data);
        const res = check(r.blockFile, r.metaFile);
        expect(res.stdout.trim(), res.stderr).to.equal(`OK ${Math.ceil(data.length / 512)}`);
        expect(res.status).to.equal(0);
      });
    }
  }

  it('the JDK check is not a rubber stamp: one flipped byte in the block is BAD at its chunk', async () => {
    const r = ds.getReplica(NS.blockPoolID, 100)!;
    const bytes = readFileSync(r.blockFile);
    bytes[600]! ^= 0x40;
    const copy = join(dir, 'corrupt');
    writeFileSync(copy, bytes);
    const res = check(copy, r.metaFile);
    expect([res.stdout.trim(), res.status]).to.deep.equal(['BAD 1', 1]);
  });
});
