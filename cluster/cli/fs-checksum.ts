/**
 * `hsec fs -checksum [-v] <src> ...`, after Hadoop 3.4.1 FsShell's Display.Checksum: for each file
 * a glob names, `path<TAB>algorithm<TAB>hex bytes` (FileChecksum.getAlgorithmName and
 * StringUtils.byteToHexString of getBytes, lower-case), `path<TAB>NONE` when the file has no
 * checksum (Hadoop's null), and with -v a last column `BlockSize=<n>` from the file's status. A
 * directory is "`path': Is a directory" (PathIsDirectoryException). The combine mode is
 * dfs.checksum.combine.mode, as `hdfs dfs -Ddfs.checksum.combine.mode=COMPOSITE_CRC -checksum`.
 */
import type { FileStatus } from '../client/file-status.ts';
import { pathError, pathNotFound } from './fs-operands.ts';
import type { QueryContext } from './fs-queries.ts';

export const CHECKSUM_USAGE = 'hsec fs -checksum [-v] <src> ...';
/** Checksum's one option. */
export const CHECKSUM_FLAGS = 'v';

export async function checksum({ fs, operands, flags, each, out, expand }: QueryContext): Promise<void> {
  for (const item of await expand(operands)) {
    await each(item.shown, async () => {
      const status: FileStatus | undefined = item.status ?? ((await fs.exists(item.path)) ? await fs.stat(item.path) : undefined);
      if (!status) throw pathNotFound(item.shown);
      if (status.type === 'directory') throw pathError(item.shown, 'Is a directory');
      const sum = await fs.getFileChecksum(item.path);
      const shown = sum ? `${sum.algorithmName}\t${Buffer.from(sum.bytes).toString('hex')}` : 'NONE';
      out(flags.has('v') ? `${item.shown}\t${shown}\tBlockSize=${(await fs.stat(item.path)).blockSize}\n` : `${item.shown}\t${shown}\n`);
    });
  }
}
