/**
 * The files of a journal + snapshot store directory and their I/O, for every such store (the
 * delegation-token store, the NameNode namespace); the framing is ./frame.ts, each store decodes
 * its own payloads:
 *
 *   snapshot.<gen>   the whole state at the start of journal.<gen>, give or take records that
 *                    journal.<gen> repeats (for stores whose records are idempotent); ends with
 *                    the store's end record
 *   journal.<gen>    changes since, appended and fdatasync'ed by the JournalWriter
 *   snapshot.<gen>.tmp  a snapshot being written; renamed into place once complete and synced
 *
 * The state is the newest complete snapshot <g> followed by every journal of generation >= g, in
 * order. Files are created 0600, the directory 0700, and the directory is fsynced after every
 * create, rename and delete so the names survive a crash too.
 */
import { mkdir, open, readdir, rename, stat, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { HsecError } from '../errors/index.ts';
import { FILE_HEADER_BYTES, FRAME_HEADER_BYTES, MAX_PAYLOAD_BYTES, checkFileHeader, fileHeader, scanFrames } from './frame.ts';
import type { PayloadVisitor, ScanResult } from './frame.ts';
import type { JournalFile } from './journal-writer.ts';
import { storeCorrupt, type StorageOrigin } from './storage-errors.ts';

const READ_CHUNK = 4 * 1024 * 1024;
const WRITE_CHUNK = 1024 * 1024;

export interface StoreListing {
  /** Generations with a complete (renamed) snapshot, ascending. */
  snapshots: number[];
  /** Generations with a journal, ascending. */
  journals: number[];
  /** Leftover snapshot.<gen>.tmp files. */
  temporary: string[];
}

const gen = (n: number): string => String(n).padStart(10, '0');
export const snapshotPath = (dir: string, g: number): string => join(dir, `snapshot.${gen(g)}`);
export const journalPath = (dir: string, g: number): string => join(dir, `journal.${gen(g)}`);

export async function listStore(dir: string): Promise<StoreListing> {
  const listing: StoreListing = { snapshots: [], journals: [], temporary: [] };
  for (const name of await readdir(dir)) {
    const m = /^(snapshot|journal)\.(\d{10})(\.tmp)?$/.exec(name);
    if (!m) continue;
    if (m[3]) listing.temporary.push(join(dir, name));
    else (m[1] === 'snapshot' ? listing.snapshots : listing.journals).push(Number(m[2]));
  }
  listing.snapshots.sort((a, b) => a - b);
  listing.journals.sort((a, b) => a - b);
  return listing;
}

/**
 * Creates `dir` and its missing parents (0700) one level at a time, so a failure carries the real
 * OS error of the level that failed (a recursive mkdir reports ENOENT on a read-only file system).
 */
export async function ensureDirectory(dir: string): Promise<void> {
  const missing: string[] = [];
  for (let d = dir; ; d = dirname(d)) {
    try {
      await stat(d); // exists: a directory, or a file that the mkdir below reports (EEXIST)
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || dirname(d) === d) throw e; // ENOTDIR, EACCES ...
      missing.unshift(d);
    }
  }
  for (const d of missing) await mkdir(d, { mode: 0o700 });
  if (missing.length === 0 && !(await stat(dir)).isDirectory()) await mkdir(dir); // fails with EEXIST, naming it
}

export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export interface ReplayResult {
  /** File offset just past the last good record (the header's end for an empty file). */
  validEnd: number;
  size: number;
  /** True when the file was cut inside its 12-byte header (a journal created at the moment of a crash). */
  shortHeader: boolean;
}

/**
 * Feeds every good record of `path` to `visit`, reading 4 MiB at a time. A broken or incomplete
 * frame ends the file (`validEnd` < `size`: a torn last write); a bad header or a checked record
 * that does not parse (`visit` throws) is PROTOCOL_MALFORMED naming the file.
 */
export async function replayFile(path: string, magic: string, visit: PayloadVisitor, origin: StorageOrigin): Promise<ReplayResult> {
  const handle = await open(path, 'r');
  try {
    const size = (await handle.stat()).size;
    let buf = Buffer.allocUnsafe(Math.min(READ_CHUNK, Math.max(size, FILE_HEADER_BYTES)));
    const { bytesRead } = await handle.read(buf, 0, FILE_HEADER_BYTES, 0);
    const header = checkFileHeader(buf.subarray(0, bytesRead), magic);
    if (header === 'short') return { validEnd: 0, size, shortHeader: true };
    if (header !== 'ok') throw storeCorrupt(path, header === 'bad-magic' ? `is not a ${magic} file` : 'has an unsupported format version', origin);
    let base = FILE_HEADER_BYTES; // file offset of buf[0]
    let filled = 0;
    for (;;) {
      const { bytesRead: n } = await handle.read(buf, filled, buf.length - filled, base + filled);
      filled += n;
      const r = scan(path, buf, filled, base, visit, origin);
      if (r.stop === 'broken' || n === 0) return { validEnd: base + r.next, size, shortHeader: false };
      // keep the unfinished frame, grow the buffer if that frame is larger than it
      buf.copy(buf, 0, r.next, filled);
      filled -= r.next;
      base += r.next;
      const need = filled >= FRAME_HEADER_BYTES ? FRAME_HEADER_BYTES + Math.min(buf.readInt32BE(0), MAX_PAYLOAD_BYTES) : 0;
      if (need > buf.length) {
        const bigger = Buffer.allocUnsafe(need);
        buf.copy(bigger, 0, 0, filled);
        buf = bigger;
      }
    }
  } finally {
    await handle.close();
  }
}

function scan(path: string, buf: Buffer, filled: number, base: number, visit: PayloadVisitor, origin: StorageOrigin): ScanResult {
  let frameAt = 0;
  try {
    return scanFrames(buf, 0, filled, (b, bytes, at, end, f) => {
      frameAt = f;
      visit(b, bytes, at, end, f);
    });
  } catch (e) {
    const offset = base + (e instanceof HsecError && typeof e.details['offset'] === 'number' ? e.details['offset'] : frameAt);
    throw storeCorrupt(path, `holds a bad record at offset ${offset} (${(e as Error).message})`, origin, e, offset);
  }
}

/** Creates journal.<g> with its header (`magic`), synced, and syncs the directory. */
export async function createJournal(dir: string, g: number, magic: string): Promise<JournalFile> {
  const path = journalPath(dir, g);
  const handle = await open(path, 'w+', 0o600);
  try {
    await handle.write(fileHeader(magic), 0, FILE_HEADER_BYTES, 0);
    await handle.datasync();
    await syncDirectory(dir);
  } catch (e) {
    await handle.close();
    await unlink(path).catch(() => undefined);
    throw e;
  }
  return { handle, path, size: FILE_HEADER_BYTES };
}

/** Opens an existing journal for appending at `validEnd`, cutting off a torn tail first. */
export async function reopenJournal(path: string, replay: ReplayResult, magic: string): Promise<JournalFile> {
  const handle: FileHandle = await open(path, 'r+');
  try {
    if (replay.shortHeader) {
      await handle.truncate(0);
      await handle.write(fileHeader(magic), 0, FILE_HEADER_BYTES, 0);
      await handle.datasync();
      return { handle, path, size: FILE_HEADER_BYTES };
    }
    if (replay.validEnd < replay.size) {
      await handle.truncate(replay.validEnd);
      await handle.datasync();
    }
  } catch (e) {
    await handle.close();
    throw e;
  }
  return { handle, path, size: replay.validEnd };
}

/**
 * Writes snapshot.<g> from `records` (pulled lazily, 1 MiB per write, so other work runs between
 * writes) through snapshot.<g>.tmp + fdatasync + rename + directory fsync. `aborted()` stops early
 * (the temporary file is removed). Returns the snapshot's size, or undefined when aborted.
 */
export async function writeSnapshot(dir: string, g: number, magic: string, records: Iterable<Buffer>, aborted: () => boolean = () => false): Promise<number | undefined> {
  const path = snapshotPath(dir, g);
  const tmp = `${path}.tmp`;
  const handle = await open(tmp, 'w', 0o600);
  let size = 0;
  let done = false;
  try {
    const chunk: Buffer[] = [fileHeader(magic)];
    let chunkBytes = FILE_HEADER_BYTES;
    const flush = async (): Promise<void> => {
      const bytes = Buffer.concat(chunk, chunkBytes);
      await handle.write(bytes, 0, bytes.length, size);
      size += bytes.length;
      chunk.length = 0;
      chunkBytes = 0;
    };
    for (const record of records) {
      chunk.push(record);
      chunkBytes += record.length;
      if (chunkBytes < WRITE_CHUNK) continue;
      await flush();
      if (aborted()) return undefined;
    }
    await flush();
    await handle.datasync();
    done = true;
  } finally {
    await handle.close();
    if (!done) await unlink(tmp).catch(() => undefined);
  }
  await rename(tmp, path);
  await syncDirectory(dir);
  return size;
}

/** Removes files of generations below `g` (superseded by snapshot.<g>) and leftover temporaries. */
export async function removeBefore(dir: string, g: number, listing: StoreListing): Promise<void> {
  const old = [
    ...listing.snapshots.filter((s) => s < g).map((s) => snapshotPath(dir, s)),
    ...listing.journals.filter((j) => j < g).map((j) => journalPath(dir, j)),
    ...listing.temporary,
  ];
  for (const path of old) await unlink(path).catch((e: NodeJS.ErrnoException) => {
    if (e.code !== 'ENOENT') throw e;
  });
  if (old.length > 0) await syncDirectory(dir);
}
