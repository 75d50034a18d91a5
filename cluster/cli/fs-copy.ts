/**
 * The `hsec fs` commands with a destination (Hadoop's CommandWithDestination family): -put
 * (-copyFromLocal, -moveFromLocal), -get (-copyToLocal), -cp, -mv (MoveCommands.Rename) and
 * -appendToFile. A local or HDFS directory is copied with everything under it
 * (CommandWithDestination.recursePath); one file goes through TARGET._COPYING_, renamed when
 * complete (-d: written directly); -p carries the attributes over (./fs-preserve.ts); a progress
 * bar on a TTY for long transfers (./progress.ts). -put -l creates with CreateFlag.LAZY_PERSIST
 * and one replica; -get -crc writes each file's local `.NAME.crc` (./local-crc-file.ts); -get
 * -ignoreCrc reads without checking the DataNodes' CRCs.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir as mkdirLocal, readdir, rename as renameLocal, rmdir as rmdirLocal, stat as statLocal, unlink } from 'node:fs/promises';
import { basename, dirname, resolve as resolvePath } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { HsecError } from '../../lib/errors/index.ts';
import { fileError } from '../../lib/fs/file-errors.ts';
import { HdfsClient } from '../client/hdfs-client.ts';
import { childPath } from '../client/hdfs-path.ts';
import type { FileStatus } from '../client/file-status.ts';
import { checkDestination, expandDestination, pathError, shownChild, type Operand } from './fs-operands.ts';
import { progressMeter } from './progress.ts';
import type { DeleteOnExit } from './delete-on-exit.ts';
import { writeLocalCrcFile } from './local-crc-file.ts';
import { copyInto } from './stream-copy.ts';
import { hdfsAttributes, localAttributes, preserveInHdfs, preserveLocal, type Attributes, type Preserve } from './fs-preserve.ts';

/** Where -put - and -appendToFile - read: stdin unless given. */
export interface CopyIo {
  stdin?: NodeJS.ReadableStream | undefined;
}

export type Each = (path: string, fn: () => Promise<void>) => Promise<void>;

export type Expand = (args: readonly string[]) => Promise<Operand[]>;

/** The remote destination as CommandWithDestination checks it against the number of sources. */
async function checkRemoteDestination(fs: HdfsClient, dst: Operand, sources: number, overwrite: boolean): Promise<void> {
  await checkDestination(
    {
      shown: dst.shown,
      exists: dst.status !== undefined,
      isDirectory: dst.status?.type === 'directory',
      parentExists: () => fs.exists(dst.path.replace(/\/[^/]*$/, '') || '/'),
    },
    sources,
    overwrite,
  );
}

/** Where a source goes in HDFS: the absolute path, and the path as the user wrote it (for messages). */
interface Target {
  readonly path: string;
  readonly shown: string;
}

/** A source's place under (or as) the destination: CommandWithDestination.getTargetPath. */
function targetOf(dst: Operand, name: string): Target {
  if (dst.status?.type !== 'directory') return dst;
  return childTarget(dst, name);
}

/** `name` inside the directory `dir`. */
function childTarget(dir: Target, name: string): Target {
  return { path: childPath(dir.path, name), shown: shownChild(dir.shown, name) };
}

/** MoveCommands.Rename: the sources' matches into the destination (one path, a directory for several). */
export async function mv(fs: HdfsClient, operands: readonly string[], each: Each, expand: Expand): Promise<void> {
  const dst = await expandDestination(fs, operands[operands.length - 1]!);
  const sources = await expand(operands.slice(0, -1));
  await checkRemoteDestination(fs, dst, sources.length, false);
  for (const src of sources) {
    await each(src.shown, async () => {
      const target = targetOf(dst, basename(src.path));
      if (target !== dst && (await fs.exists(target.path))) throw pathError(target.shown, 'File exists');
      if (!(await fs.rename(src.path, target.path))) throw pathError(src.shown, 'Input/output error'); // PathIOException: rename gives no reason
    });
  }
}

/**
 * CopyFromLocal: each source to DST (a directory: DST/name), through DST._COPYING_ renamed at the end.
 * A local directory is copied with everything under it (Put sets recursive; CommandWithDestination.recursePath).
 * Local sources are not globs, as in Hadoop's Put.expandArgument: the user's shell expands them.
 */
export async function put(fs: HdfsClient, operands: readonly string[], options: CopyOptions, each: Each, io: CopyIo): Promise<void> {
  const sources = operands.slice(0, -1);
  const dst = await expandDestination(fs, operands[operands.length - 1]!);
  await checkRemoteDestination(fs, dst, sources.length, options.overwrite);
  for (const src of sources) {
    await each(src, async () => {
      if (src === '-') return copyFile(fs, 'put', { shown: src, size: undefined, open: () => io.stdin ?? process.stdin }, targetOf(dst, 'stdin'), options); // no -p: no source status
      return copyIntoHdfs(fs, 'put', await localSource(src), targetOf(dst, basename(src)), options, each);
    });
  }
}

/**
 * CopyCommands.AppendToFile: DST is created (without overwrite) when missing, then appended to
 * (`-n`: in a new block, CreateFlag.NEW_BLOCK) with each local file in turn, or stdin for a sole
 * `-`. Local sources are not globs. A source that cannot be read ends the command (what was
 * appended so far stays: the stream is closed, as try-with-resources closes it).
 */
export async function appendToFile(fs: HdfsClient, operands: readonly string[], newBlock: boolean, io: CopyIo): Promise<void> {
  const sources = operands.slice(0, -1);
  const dst = await expandDestination(fs, operands[operands.length - 1]!);
  const shellError = (message: string) => new HsecError('FILE_IO', message, { messageOnly: true });
  if (!dst.status) await fs.writeFile(dst.path, new Uint8Array(0));
  const out = fs.append(dst.path, { newBlock });
  let failure: unknown;
  out.on('error', (e) => (failure ??= e)); // the NameNode may refuse the append before any byte is written
  try {
    if (sources.includes('-')) {
      if (sources.length > 1) throw shellError('stdin (-) must be the sole input argument when present');
      await copyInto(io.stdin ?? process.stdin, out);
    }
    for (const src of sources.filter((s) => s !== '-')) {
      // FileInputStream's FileNotFoundException: "<path> (<reason>)"
      const local = await statLocal(src).catch(() => undefined);
      if (!local) throw shellError(`${src} (No such file or directory)`);
      if (local.isDirectory()) throw shellError(`${src} (Is a directory)`);
      await copyInto(createReadStream(src), out);
    }
  } catch (e) {
    failure ??= e;
  }
  if (!out.destroyed) await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
  if (failure !== undefined) throw failure;
}

/**
 * Cp: each source's matches to DST within HDFS, a directory with everything under it; a directory
 * into itself is refused (CommandWithDestination.processPathArgument).
 */
export async function cp(fs: HdfsClient, operands: readonly string[], options: CopyOptions, each: Each, expand: Expand): Promise<void> {
  const dst = await expandDestination(fs, operands[operands.length - 1]!);
  const sources = await expand(operands.slice(0, -1));
  await checkRemoteDestination(fs, dst, sources.length, options.overwrite);
  for (const src of sources) {
    await each(src.shown, async () => {
      const status = src.status ?? (await fs.stat(src.path));
      const target = targetOf(dst, basename(status.path));
      if (status.type === 'directory') {
        if (target.path === status.path) throw new HsecError('FILE_IO', `\`${src.shown}' to \`${target.shown}': are identical`, { path: src.path, messageOnly: true });
        if (target.path.startsWith(status.path === '/' ? '/' : `${status.path}/`)) throw new HsecError('FILE_IO', `\`${src.shown}' to \`${target.shown}': is a subdirectory of itself`, { path: src.path, messageOnly: true });
      }
      return copyIntoHdfs(fs, 'cp', hdfsSource(fs, status, src.shown), target, options, each);
    });
  }
}

/**
 * -f: replace a file already at the target; -d: write the target itself, not TARGET._COPYING_
 * renamed at the end; move (-moveFromLocal): remove each local source once copied.
 */
export interface CopyOptions {
  readonly overwrite: boolean;
  readonly direct: boolean;
  readonly move?: boolean;
  /** -put -l: created with CreateFlag.LAZY_PERSIST and replication 1 (CommandWithDestination.TargetFileSystem.create). */
  readonly lazyPersist?: boolean;
  /** -p: the attributes to carry over (CommandWithDestination.preserveAttributes). */
  readonly preserve?: Preserve;
  /** Where a TARGET._COPYING_ being written is registered, so an interrupt deletes it. */
  readonly deleteOnExit?: DeleteOnExit;
}

/** What a copy into HDFS reads: a local file tree (-put) or an HDFS one (-cp). */
interface CopySource {
  readonly shown: string;
  readonly size: number | undefined;
  open(): NodeJS.ReadableStream;
  /** A directory's entries, by name (undefined for a file); each is loaded when its turn comes. */
  readonly entries?: () => Promise<Array<{ readonly name: string; readonly shown: string; load(): Promise<CopySource> }>>;
  /** What -p carries over. */
  attributes(): Promise<Attributes>;
}

/** A local path (symbolic links followed, as LocalFileSystem's statuses are). */
async function localSource(path: string): Promise<CopySource> {
  const local = await statLocal(path).catch((e: unknown) => {
    throw localError(e, path);
  });
  const source: CopySource = { shown: path, size: local.size, open: () => createReadStream(path), attributes: () => localAttributes(path, local) };
  if (!local.isDirectory()) return source;
  return {
    ...source,
    entries: async () => {
      const names = await readdir(path).catch((e: unknown) => {
        throw localError(e, path);
      });
      return names.sort().map((name) => ({ name, shown: localChild(path, name), load: () => localSource(localChild(path, name)) }));
    },
  };
}

/** An HDFS file or directory (entries in the NameNode's order). */
function hdfsSource(fs: HdfsClient, status: FileStatus, shown: string): CopySource {
  const source: CopySource = { shown, size: status.length, open: () => fs.createReadStream(status.path), attributes: async () => hdfsAttributes(status) };
  if (status.type !== 'directory') return source;
  return {
    ...source,
    entries: async () =>
      (await fs.list(status.path)).map((child) => {
        const name = basename(child.path);
        const childShown = shownChild(shown, name);
        return { name, shown: childShown, load: async () => hdfsSource(fs, child, childShown) };
      }),
  };
}

/**
 * `source` to TARGET (CommandWithDestination.recursePath for a directory): TARGET is made unless it
 * is a directory already (a file there: "Is not a directory"), then each entry; a failed entry is
 * reported and the others go on.
 */
async function copyIntoHdfs(fs: HdfsClient, verb: string, source: CopySource, target: Target, options: CopyOptions, each: Each): Promise<void> {
  const existing = (options.move || source.entries) && (await fs.exists(target.path)) ? await fs.stat(target.path) : undefined;
  // MoveFromLocal.processPath: unlike a copy, a move does not merge into a directory already there
  if (options.move && existing?.type === 'directory') throw pathError(target.shown, 'File exists');
  if (!source.entries) await copyFile(fs, verb, source, target, options);
  else {
    if (existing && existing.type !== 'directory') throw pathError(target.shown, 'Is not a directory');
    if (!existing) await fs.mkdir(target.path, { recursive: true });
    for (const entry of await source.entries()) {
      await each(entry.shown, async () => {
        // RawLocalFileSystem.listStatus leaves out an entry gone by the time it is looked at (a dangling link too)
        const loaded = await entry.load().catch((e: unknown) => {
          if (e instanceof HsecError && e.code === 'FILE_NOT_FOUND') return undefined;
          throw e;
        });
        if (loaded) await copyIntoHdfs(fs, verb, loaded, childTarget(target, entry.name), options, each);
      });
    }
  }
  // a file once copied, a directory once its entries are (copyFileToTarget, recursePath)
  if (options.preserve) await preserveInHdfs(fs, await source.attributes(), target.path, options.preserve);
  if (options.move) await removeMoved(source.shown);
}

/**
 * MoveFromLocal.postProcessPath: the local source, once copied (a directory after its entries, so
 * one an entry of which failed stays: "Directory DIR is not empty", as RawLocalFileSystem.delete says).
 */
async function removeMoved(path: string): Promise<void> {
  const local = await statLocal(path).catch(() => undefined);
  if (local?.isDirectory()) {
    if ((await readdir(path).catch(() => [])).length > 0) throw new HsecError('FILE_IO', `Directory ${resolvePath(path)} is not empty`, { path, messageOnly: true });
    await rmdirLocal(path).catch((e: unknown) => {
      throw removeFailed(path, e);
    });
    return;
  }
  await unlink(path).catch((e: unknown) => {
    throw removeFailed(path, e);
  });
}

/** PathIOException with the operation "remove": Hadoop's File.delete gives no reason. */
function removeFailed(path: string, cause: unknown): HsecError {
  return new HsecError('FILE_IO', `remove \`${path}': Input/output error`, { path, messageOnly: true }, { cause });
}

/**
 * One file's copy (CommandWithDestination.copyStreamToTarget): to TARGET._COPYING_, renamed when
 * complete (with -d, to TARGET). TARGET._COPYING_ is deleted on exit (TargetFileSystem.create) once
 * the interrupted copy has stopped, unless it was renamed (TargetFileSystem.rename cancels that).
 */
async function copyFile(fs: HdfsClient, verb: string, source: Pick<CopySource, 'shown' | 'size' | 'open'>, target: Target, options: CopyOptions): Promise<void> {
  // PathExistsException names the target as the user wrote the destination
  if (!options.overwrite && (await fs.exists(target.path))) throw new HsecError('FILE_IO', 'File exists', { path: target.path, shellPath: target.shown });
  const written = options.direct ? target.path : `${target.path}._COPYING_`;
  const stop = options.deleteOnExit?.signal;
  stop?.throwIfAborted(); // after Ctrl-C no copy starts
  const lazy = options.lazyPersist ? { lazyPersist: true, replication: 1 } : {};
  const copy = pipeline(source.open(), progressMeter(`${verb} ${source.shown}`, source.size), fs.createWriteStream(written, { overwrite: true, ...lazy }), stop ? { signal: stop } : {});
  const forget = options.direct ? undefined : options.deleteOnExit?.add(written, () => copy.catch(() => undefined).then(() => fs.delete(written)));
  try {
    try {
      await copy;
    } catch (e) {
      await fs.delete(written).catch(() => false);
      throw localError(e, source.shown);
    }
    if (options.direct) return;
    if (options.overwrite) await fs.delete(target.path).catch(() => false);
    if (!(await fs.rename(written, target.path))) throw new HsecError('FILE_IO', `could not rename ${written} to ${target.path}`, { path: target.path });
  } finally {
    forget?.();
  }
}

/**
 * CopyToLocal: each source's matches to LOCAL (a directory: LOCAL/name; several sources need one),
 * through LOCAL._COPYING_; an HDFS directory with everything under it (Get sets recursive).
 */
export async function get(fs: HdfsClient, operands: readonly string[], options: GetOptions, each: Each, expand: Expand): Promise<void> {
  const { overwrite } = options;
  const dst = operands[operands.length - 1]!;
  const sources = await expand(operands.slice(0, -1));
  const local = await statLocal(dst).catch(() => undefined);
  const dstIsDir = local?.isDirectory() ?? false;
  let usable = false;
  await each(dst, async () => {
    await checkDestination(
      { shown: dst, exists: local !== undefined, isDirectory: dstIsDir, parentExists: async () => (await statLocal(dirname(dst)).catch(() => undefined)) !== undefined },
      sources.length,
      overwrite,
    );
    usable = true;
  });
  if (!usable) return;
  for (const src of sources) {
    await each(src.shown, async () => {
      const status = src.status ?? (await fs.stat(src.path));
      const target = dstIsDir ? localChild(dst, basename(status.path)) : dst;
      if (status.type === 'directory') return getDirectory(fs, src.shown, status, target, options, each);
      return getFile(fs, src.shown, status, target, options);
    });
  }
}

/** -f: replace a local file already there; -p: carry the attributes over; -crc, -ignoreCrc. */
export interface GetOptions {
  readonly overwrite: boolean;
  readonly preserve?: Preserve;
  /** -crc: each file's `.NAME.crc` beside it, as the local ChecksumFileSystem writes (./local-crc-file.ts). */
  readonly writeChecksum?: boolean;
  /** false with -ignoreCrc: the DataNodes' CRCs are not checked. */
  readonly verifyChecksum?: boolean;
  /** Where a LOCAL._COPYING_ being written is registered, so an interrupt deletes it. */
  readonly deleteOnExit?: DeleteOnExit;
}

/**
 * One file's copy to TARGET._COPYING_, renamed when complete. Only a TARGET._COPYING_ this copy
 * opened is ever deleted (on failure, or on exit once the interrupted copy has stopped): a file of
 * that name that could not be opened is someone else's. The rename cancels the delete.
 */
async function getFile(fs: HdfsClient, shown: string, status: FileStatus, target: string, options: GetOptions): Promise<void> {
  if (!options.overwrite && (await statLocal(target).catch(() => undefined))) throw new HsecError('FILE_IO', 'File exists', { path: target, shellPath: target });
  const copying = `${target}._COPYING_`;
  const stop = options.deleteOnExit?.signal;
  stop?.throwIfAborted(); // after Ctrl-C no copy starts
  const out = createWriteStream(copying, { mode: 0o644 });
  let opened = false;
  out.once('open', () => void (opened = true));
  const copy = pipeline(fs.createReadStream(status.path, {}, { verifyChecksum: options.verifyChecksum ?? true }), progressMeter(`get ${shown}`, status.length), out, stop ? { signal: stop } : {});
  const removeOurs = async () => {
    await copy.catch(() => undefined);
    if (opened) await unlink(copying);
  };
  const forget = options.deleteOnExit?.add(copying, removeOurs);
  try {
    await copy;
    await renameLocal(copying, target);
    forget?.();
    if (options.writeChecksum) await writeLocalCrcFile(target);
  } catch (e) {
    await removeOurs().catch(() => undefined);
    throw localError(e, target);
  } finally {
    forget?.();
  }
  if (options.preserve) await preserveLocal(hdfsAttributes(status), target, options.preserve);
}

/** An HDFS directory into the local TARGET, as copyIntoHdfs the other way (entries in the NameNode's order). */
async function getDirectory(fs: HdfsClient, shown: string, status: FileStatus, target: string, options: GetOptions, each: Each): Promise<void> {
  const existing = await statLocal(target).catch(() => undefined);
  if (existing && !existing.isDirectory()) throw pathError(target, 'Is not a directory');
  if (!existing) {
    await mkdirLocal(target, { recursive: true, mode: 0o755 }).catch((e: unknown) => {
      throw localError(e, target);
    });
  }
  for (const child of await fs.list(status.path)) {
    const name = basename(child.path);
    const childShown = shownChild(shown, name);
    await each(childShown, async () => {
      if (child.type === 'directory') return getDirectory(fs, childShown, child, localChild(target, name), options, each);
      return getFile(fs, childShown, child, localChild(target, name), options);
    });
  }
  if (options.preserve) await preserveLocal(hdfsAttributes(status), target, options.preserve);
}

/** A local file failure as a typed FileError naming the path (an HsecError passes through). */
function localError(e: unknown, path: string): HsecError {
  return e instanceof HsecError ? e : fileError('copy', path, e);
}

/** `name` under a local directory as the user wrote it. */
function localChild(dir: string, name: string): string {
  return `${dir.replace(/\/+$/, '')}/${name}`;
}
