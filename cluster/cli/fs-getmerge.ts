/**
 * `hsec fs -getmerge [-nl] [-skip-empty-file] <src> ... <localdst>`, after Hadoop's
 * CopyCommands.Merge: the sources are globs; a file source is taken as it is, a directory source
 * gives its files (one level: subdirectories are skipped), sorted as Path.compareTo sorts them
 * (Merge.isSorted, PathData.getDirectoryContents); the files are written one after the other into
 * the local file (created, or replaced, with its parent directories), `-nl` adding a newline after
 * each file and `-skip-empty-file` leaving the newline out after an empty one. The sources are all
 * collected before the local file is opened: a source path that does not exist aborts the merge
 * (Merge.processNonexistentPath sets the exit code the merge checks), while a glob matching
 * nothing or an unreadable directory is reported and the merge still runs (exit 1 either way).
 * Unlike Hadoop's LocalFileSystem (a ChecksumFileSystem) no `.localdst.crc` is written beside it.
 */
import { mkdir, open, stat, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileError } from '../../lib/fs/file-errors.ts';
import type { FileStatus } from '../client/file-status.ts';
import type { HdfsClient } from '../client/hdfs-client.ts';
import { compareUriPaths } from '../client/glob-pattern.ts';
import { existingStatus, pathError, pathNotFound, type Operand } from './fs-operands.ts';
import { UsageError } from './usage.ts';

export const GETMERGE_USAGE = 'hsec fs -getmerge [-nl] [-skip-empty-file] <src> <localdst>';

export interface MergeOptions {
  readonly newline: boolean;
  readonly skipEmptyFile: boolean;
  readonly sources: readonly string[];
  readonly localDst: string;
}

/**
 * CommandFormat(2, MAX, "nl", "skip-empty-file").parse: the options lead (whole words, `--` ends
 * them, `-` is an operand); an unknown one is "Illegal option", fewer than 2 operands "Not enough arguments".
 */
export function parseMerge(args: readonly string[]): MergeOptions {
  const rest = [...args];
  const set = new Set<string>();
  while (rest.length > 0 && rest[0]!.startsWith('-') && rest[0] !== '-') {
    const arg = rest.shift()!;
    if (arg === '--') break;
    if (arg !== '-nl' && arg !== '-skip-empty-file') throw new UsageError(`-getmerge: Illegal option ${arg}`, GETMERGE_USAGE);
    set.add(arg);
  }
  if (rest.length < 2) throw new UsageError(`-getmerge: Not enough arguments: expected 2 but got ${rest.length}`, GETMERGE_USAGE);
  return { newline: set.has('-nl'), skipEmptyFile: set.has('-skip-empty-file'), sources: rest.slice(0, -1), localDst: rest[rest.length - 1]! };
}

type Each = (path: string, fn: () => Promise<void>) => Promise<void>;

/** Merge: collect the files, then (no source missing) write them into the local file. */
export async function getmerge(fs: HdfsClient, options: MergeOptions, each: Each, expand: (args: readonly string[]) => Promise<Operand[]>): Promise<void> {
  const { localDst } = options;
  // processOptions: a local directory is refused before any source is looked at
  const local = await stat(localDst).catch(() => undefined);
  if (local?.isDirectory()) {
    await each(localDst, async () => {
      throw pathError(localDst, 'Is a directory');
    });
    return;
  }
  const files: FileStatus[] = [];
  let missing = false;
  for (const item of await expand(options.sources)) {
    await each(item.shown, async () => {
      const status = await existingStatus(fs, item);
      if (!status) {
        missing = true;
        throw pathNotFound(item.shown);
      }
      if (status.type !== 'directory') {
        files.push(status);
        return;
      }
      const children = (await fs.list(status.path)).sort((a, b) => compareUriPaths(a.path, b.path));
      files.push(...children.filter((c) => c.type !== 'directory'));
    });
  }
  if (missing) return;
  await each(localDst, () => writeMerged(fs, files, options));
}

async function writeMerged(fs: HdfsClient, files: readonly FileStatus[], options: MergeOptions): Promise<void> {
  const { localDst } = options;
  const out = await openLocal(localDst);
  const write = async (data: Uint8Array): Promise<void> => {
    await out.write(data).catch((e: unknown) => {
      throw fileError('write', localDst, e);
    });
  };
  try {
    for (const file of files) {
      if (file.length !== 0) {
        for await (const chunk of fs.createReadStream(file.path)) await write(chunk as Buffer);
        if (options.newline) await write(NEWLINE);
      } else if (!options.skipEmptyFile && options.newline) {
        await write(NEWLINE);
      }
    }
  } finally {
    await out.close().catch(() => undefined);
  }
}

const NEWLINE = Buffer.from('\n');

/** FileSystem.create on the local file system: parent directories made, an existing file replaced. */
async function openLocal(path: string): Promise<FileHandle> {
  try {
    await mkdir(dirname(path), { recursive: true });
    return await open(path, 'w');
  } catch (e) {
    throw fileError('create', path, e);
  }
}
