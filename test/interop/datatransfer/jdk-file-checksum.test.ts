/**
 * The MD5 of the block MD5s in an MD5MD5CRC32 file checksum against the JDK: Hadoop digests the
 * whole backing array of the DataOutputBuffer (a java.io.ByteArrayOutputStream) the block MD5s are
 * written into, so the zero padding after them follows the JDK's growth of that array. The peer
 * (test/interop/java/Md5OfBlockMd5s.java) writes them as MD5Hash.write does and prints the array
 * length and the MD5; hsec's md5CrcFileChecksum must agree for 1 to 40 blocks.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { md5CrcFileChecksum } from '../../../cluster/client/file-checksum.ts';
import { requireBinariesOrSkip } from '../../support/binaries.ts';
import { compileJavaPeers } from '../../support/java.ts';

const COUNTS = [1, 2, 3, 4, 5, 8, 9, 16, 17, 40];

describe('interop: the MD5 of block MD5s as the JDK\'s ByteArrayOutputStream holds them (FileChecksumHelper.makeMd5CrcResult)', function () {
  this.timeout(120_000);
  let classDir: string;
  before(function () {
    requireBinariesOrSkip(this, 'java', 'javac');
    classDir = compileJavaPeers();
  });

  it(`agrees with the JDK for ${COUNTS.join(', ')} blocks`, () => {
    const run = spawnSync('java', ['-cp', classDir, 'Md5OfBlockMd5s', ...COUNTS.map(String)], { encoding: 'utf8', timeout: 60_000 });
    expect(run.status, run.stderr).to.equal(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines.length).to.equal(COUNTS.length);
    for (const line of lines) {
      const [count, capacity, hex] = line.split(' ');
      const blocks = Array.from({ length: Number(count) }, (_, i) => Uint8Array.from({ length: 16 }, (_, j) => (16 * i + j) & 0xff));
      const ours = md5CrcFileChecksum(blocks, 'CRC32C', 512, 2048)!;
      expect(Buffer.from(ours.md5).toString('hex'), `${count} blocks (JDK array of ${capacity} bytes)`).to.equal(hex);
    }
  });
});
