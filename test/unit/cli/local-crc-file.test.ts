/**
 * The `.NAME.crc` file `hsec fs -get -crc` writes, in the local ChecksumFileSystem's format: the
 * `crc\0` magic, bytes per checksum (512), then a CRC-32 per chunk (the CRC-32 check value of
 * "123456789" is 0xCBF43926, ISO 3309 / ITU-T V.42), and the file written from a real local file.
 */
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checksumFileOf, localCrcBytes, writeLocalCrcFile } from '../../../cluster/cli/local-crc-file.ts';

describe('cli/local crc file: ChecksumFileSystem .crc files', () => {
  it('header, then one big-endian CRC-32 per 512-byte chunk', () => {
    expect(localCrcBytes(Buffer.from('123456789')).toString('hex')).to.equal('63726300' + '00000200' + 'cbf43926');
    expect(localCrcBytes(new Uint8Array(0)).toString('hex')).to.equal('6372630000000200');
    expect(localCrcBytes(new Uint8Array(1025)).length).to.equal(8 + 3 * 4);
  });

  it('checksumFileOf: .NAME.crc beside the file', () => {
    expect(checksumFileOf('/tmp/d/part-0')).to.equal('/tmp/d/.part-0.crc');
    expect(checksumFileOf('rel')).to.equal('.rel.crc');
  });

  it('writeLocalCrcFile: the same bytes as for the whole file at once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hsec-crc-'));
    try {
      const data = Buffer.alloc(200_003);
      for (let i = 0; i < data.length; i++) data[i] = (i * 31) & 0xff;
      writeFileSync(join(dir, 'f'), data);
      await writeLocalCrcFile(join(dir, 'f'));
      expect(readFileSync(join(dir, '.f.crc')).equals(localCrcBytes(data))).to.equal(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
