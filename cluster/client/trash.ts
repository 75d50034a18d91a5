/**
 * The HDFS trash, as Hadoop's Trash and TrashPolicyDefault keep it: `-rm` moves a path to
 * `<home>/.Trash/Current/<its absolute path>` instead of deleting it; a checkpoint renames Current
 * to a `yyMMddHHmmss` directory (local time, as SimpleDateFormat writes it); checkpoints older than
 * fs.trash.interval minutes are deleted, by the NameNode's emptier or by `-expunge`. The same code
 * runs in the client (HdfsClient.moveToTrash / expungeTrash, over ClientProtocol) and in the
 * NameNode's emptier (over its own namespace, as the superuser), through TrashNamespace.
 */
import { FileError, FileSystemError, HsecError } from '../../lib/errors/index.ts';
import { childPath, normalizePath, parentPath } from './hdfs-path.ts';

/** The name of the trash directory under a home directory (FileSystem.TRASH_PREFIX). */
export const TRASH_PREFIX = '.Trash';
/** Where moved paths go until the next checkpoint (TrashPolicyDefault.CURRENT). */
export const CURRENT = 'Current';
/** TrashPolicyDefault.PERMISSION: rwx------ for the directories it creates. */
const TRASH_DIR_PERMISSION = 0o700;
const MS_PER_MINUTE = 60_000;

/** The namespace operations the trash needs, with FileSystem's semantics. */
export interface TrashNamespace {
  /** 'file' or 'directory'; undefined when nothing is there. */
  kind(path: string): Promise<'file' | 'directory' | undefined>;
  /** A directory's entries; undefined when it does not exist. */
  list(path: string): Promise<readonly { name: string; directory: boolean }[] | undefined>;
  /** mkdirs with parents and `permission` (the client masks it with its umask). */
  mkdirs(path: string, permission: number): Promise<boolean>;
  /** rename2 without OVERWRITE (an existing destination is FileAlreadyExistsException); `toTrash` is Options.Rename.TO_TRASH. */
  rename(src: string, dst: string, toTrash: boolean): Promise<void>;
  delete(path: string, recursive: boolean): Promise<boolean>;
}

export interface TrashOptions {
  /** fs.trash.interval in minutes (0 = the trash is off). */
  readonly intervalMinutes: number;
  /** What the trash did, one line each (Hadoop logs them at INFO: the shell prints them on stderr). */
  readonly log?: (line: string) => void;
  /** How a path is shown in messages (the client qualifies it as hdfs://host:port/path). */
  readonly qualify?: (path: string) => string;
  /** Current time, ms (tests of the emptier pass a clock). */
  readonly now?: () => number;
  /**
   * fs.trash.clean.trashroot.enable: delete an entry of a trash root whose name is no checkpoint
   * time (default false: it is left alone, as TrashPolicyDefault leaves it).
   */
  readonly cleanNonCheckpoints?: boolean;
}

/** TrashPolicyDefault: moving to trash, checkpoints and their deletion, for one namespace. */
export class Trash {
  readonly #ns: TrashNamespace;
  readonly #deletionIntervalMs: number;
  readonly #log: (line: string) => void;
  readonly #qualify: (path: string) => string;
  readonly #now: () => number;
  readonly #cleanNonCheckpoints: boolean;

  constructor(ns: TrashNamespace, options: TrashOptions) {
    this.#ns = ns;
    // TrashPolicyDefault.initialize: a negative interval is treated as 0
    this.#deletionIntervalMs = Math.max(0, Math.trunc(options.intervalMinutes * MS_PER_MINUTE));
    this.#log = options.log ?? (() => undefined);
    this.#qualify = options.qualify ?? ((p) => p);
    this.#now = options.now ?? Date.now;
    this.#cleanNonCheckpoints = options.cleanNonCheckpoints ?? false;
  }

  /** Whether moving to trash is on (fs.trash.interval above 0). */
  get enabled(): boolean {
    return this.#deletionIntervalMs > 0;
  }

  get deletionIntervalMs(): number {
    return this.#deletionIntervalMs;
  }

  /**
   * TrashPolicyDefault.moveToTrash: moves absolute `path` under `<trashRoot>/Current`, keeping its
   * path; resolves to where it went, or undefined when the trash is off or `path` is already in
   * the trash (the caller then deletes it). A name already taken in the trash gets the current
   * time in ms appended, and so does a file standing where a trash directory must go. Errors:
   * FileNotFoundException for a missing path; "Failed to move ... to trash ..." with the cause.
   */
  async moveToTrash(path: string, trashRoot: string): Promise<string | undefined> {
    if (!this.enabled) return undefined;
    const src = normalizePath(path);
    if ((await this.#ns.kind(src)) === undefined) throw new FileError('FILE_NOT_FOUND', `File does not exist: ${src}`, { path: src, fs: 'hdfs' });
    if (isUnder(src, trashRoot)) return undefined; // already in the trash
    // Hadoop compares qualified strings here; compared by path components, so /user/al is not taken for /user/alice
    if (isUnder(parentPath(trashRoot), src)) {
      throw new FileSystemError('FS_INVALID_ARGUMENT', `Cannot move "${src}" to the trash, as it contains the trash`, { path: src });
    }
    const current = childPath(trashRoot, CURRENT);
    let trashPath = current + src;
    let baseTrashPath = current + parentPath(src);
    if (baseTrashPath.endsWith('/')) baseTrashPath = baseTrashPath.slice(0, -1);
    let cause: unknown;
    // twice, in case a checkpoint renames Current between the mkdirs and the rename
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        if (!(await this.#ns.mkdirs(baseTrashPath, TRASH_DIR_PERMISSION))) {
          this.#log(`WARN Can't create(mkdir) trash directory: ${this.#qualify(baseTrashPath)}`);
          return undefined;
        }
      } catch (e) {
        if (!isFileInTheWay(e)) {
          cause = e;
          break;
        }
        // a file stands where a trash directory goes: put the directory beside it, with the time appended
        let existing = baseTrashPath;
        while ((await this.#ns.kind(existing)) === undefined) existing = parentPath(existing);
        baseTrashPath = existing + String(this.#now()) + baseTrashPath.slice(existing.length);
        trashPath = childPath(baseTrashPath, lastName(trashPath));
        attempt--;
        continue;
      }
      try {
        const wanted = trashPath;
        while ((await this.#ns.kind(trashPath)) !== undefined) trashPath = wanted + String(this.#now());
        await this.#ns.rename(src, trashPath, true);
        this.#log(`Moved: '${this.#qualify(src)}' to trash at: ${this.#qualify(trashPath)}`);
        return trashPath;
      } catch (e) {
        cause = e;
      }
    }
    const why = cause instanceof HsecError && typeof cause.details['errorMsg'] === 'string' ? `: ${cause.details['errorMsg'].split('\n')[0]}` : cause instanceof Error ? `: ${cause.message}` : '';
    throw new FileError('FILE_IO', `Failed to move ${this.#qualify(src)} to trash ${this.#qualify(trashPath)}${why}`, { path: src }, { cause });
  }

  /** TrashPolicyDefault.createCheckpoint: renames `<trashRoot>/Current` to the time `date` (yyMMddHHmmss, then -1, -2 ... if taken). */
  async createCheckpoint(trashRoot: string, date: Date = new Date(this.#now())): Promise<string | undefined> {
    const current = childPath(trashRoot, CURRENT);
    if ((await this.#ns.kind(current)) === undefined) return undefined;
    const base = childPath(trashRoot, checkpointName(date));
    for (let attempt = 0; ; attempt++) {
      const checkpoint = attempt === 0 ? base : `${base}-${attempt}`;
      try {
        await this.#ns.rename(current, checkpoint, false);
        this.#log(`Created trash checkpoint: ${checkpoint}`);
        return checkpoint;
      } catch (e) {
        if (!isAlreadyExists(e)) throw e;
        if (attempt >= 1000) throw new FileError('FILE_IO', `Failed to checkpoint trash: ${checkpoint}`, { path: checkpoint }, { cause: e });
      }
    }
  }

  /**
   * TrashPolicyDefault.deleteCheckpoint (3.4.1): deletes the checkpoints of `trashRoot` older than
   * the interval (all of them with `immediately`); an entry whose name is not a checkpoint time is
   * left where it is ("Ignoring."), or deleted with fs.trash.clean.trashroot.enable ("Deleting.").
   */
  async deleteCheckpoints(trashRoot: string, immediately = false): Promise<void> {
    this.#log(`TrashPolicyDefault#deleteCheckpoint for trashRoot: ${this.#qualify(trashRoot)}`);
    const entries = await this.#ns.list(trashRoot);
    if (!entries) return;
    const now = this.#now();
    for (const { name } of entries) {
      if (name === CURRENT) continue;
      const path = childPath(trashRoot, name);
      const time = checkpointTime(name);
      if (time === undefined) {
        if (this.#cleanNonCheckpoints) {
          await this.#ns.delete(path, true);
          this.#log(`WARN Unexpected item in trash: ${path}. Deleting.`);
        } else this.#log(`WARN Unexpected item in trash: ${path}. Ignoring.`);
        continue;
      }
      if (now - this.#deletionIntervalMs > time || immediately) {
        if (await this.#ns.delete(path, true)) this.#log(`Deleted trash checkpoint: ${path}`);
        else this.#log(`WARN Couldn't delete checkpoint: ${path} Ignoring.`);
      }
    }
  }

  /** The trash roots of `homes` that exist (DistributedFileSystem.getTrashRoots outside encryption zones). */
  async trashRoots(homes: readonly string[]): Promise<string[]> {
    const roots: string[] = [];
    for (const home of homes) {
      const root = trashRootOf(home);
      if ((await this.#ns.kind(root)) === 'directory') roots.push(root);
    }
    return roots;
  }

  /** Every user's home directory: the directories under dfs.user.home.dir.prefix (getTrashRoots with allUsers). */
  async homesUnder(homePrefix: string): Promise<string[]> {
    return ((await this.#ns.list(homePrefix)) ?? []).filter((e) => e.directory).map((e) => childPath(homePrefix, e.name));
  }
}

/** The trash root of a home directory (FileSystem.getTrashRoot outside encryption zones). */
export function trashRootOf(home: string): string {
  return childPath(home, TRASH_PREFIX);
}

/** A checkpoint's name: `date` as SimpleDateFormat("yyMMddHHmmss") writes it in local time. */
export function checkpointName(date: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return two(date.getFullYear() % 100) + two(date.getMonth() + 1) + two(date.getDate()) + two(date.getHours()) + two(date.getMinutes()) + two(date.getSeconds());
}

/**
 * The time a checkpoint name stands for, ms; undefined when it is not one. As SimpleDateFormat.parse
 * reads it: yyMMddHHmmss at the start (anything after, like "-1", is ignored), else Hadoop 1's
 * yyMMddHHmm; lenient, so a 13th month rolls into the next year; a two-digit year within 80 years
 * before and 20 after now.
 */
export function checkpointTime(name: string, now = Date.now()): number | undefined {
  const m = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?/.exec(name);
  if (!m) return undefined;
  const [yy, mo, d, h, mi, s] = m.slice(1).map((x) => (x === undefined ? 0 : Number(x)));
  const centuryStart = new Date(now).getFullYear() - 80;
  let year = Math.floor(centuryStart / 100) * 100 + yy!;
  if (year < centuryStart) year += 100;
  return new Date(year, mo! - 1, d!, h!, mi!, s!).getTime();
}

function isUnder(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir === '/' ? '/' : `${dir}/`);
}

function lastName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function classOf(e: unknown): string {
  return e instanceof HsecError ? String(e.details['exceptionClassName'] ?? '') : '';
}

function isAlreadyExists(e: unknown): boolean {
  return e instanceof HsecError && (e.code === 'FS_ALREADY_EXISTS' || classOf(e).endsWith('.FileAlreadyExistsException'));
}

/** mkdirs met a file on the way: FileAlreadyExistsException (TrashPolicyDefault's case) or ParentNotDirectoryException. */
function isFileInTheWay(e: unknown): boolean {
  return isAlreadyExists(e) || (e instanceof HsecError && (e.code === 'FS_PARENT_NOT_DIRECTORY' || classOf(e).endsWith('.ParentNotDirectoryException')));
}
