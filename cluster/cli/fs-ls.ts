/**
 * `hsec fs -ls` and the deprecated `-lsr`, as FsShell's Ls (org.apache.hadoop.fs.shell.Ls, 3.4) and
 * the traversal of its base class Command:
 *
 *   -C  paths only            -d  directories as plain entries   -h  sizes as `1.5 K` (TraditionalBinaryPrefix)
 *   -q  `?` for non-printable characters in paths                 -R  recurse (depth first, each
 *   directory's line before its entries)   -t  newest first   -S  largest first   -r  reverse the order
 *   -u  access time shown and sorted on instead of modification time   -e  the erasure coding policy
 *
 * A directory argument lists its entries ("Found N items" first, unless -R or -C), sorted by name
 * or by -t / -S (Ls.processPaths sorts only when not recursing: with -R, entries come in name
 * order). Columns are right-aligned to widths that start at 3 (replication) and 10 (size) and only
 * grow over the whole command, as Ls keeps them in fields (maxRepl, maxLen, maxOwner, maxGroup);
 * a recursive listing that is not sorted is laid out 100 entries at a time
 * (Command.processPaths with Ls.getListingGroupSize), so a huge directory streams.
 */
import type { HdfsClient } from '../client/hdfs-client.ts';
import { permissionString, type FileStatus } from '../client/file-status.ts';
import { compareUriPaths } from '../client/glob-pattern.ts';
import { existingStatus, pathNotFound, shownChild, type Operand } from './fs-operands.ts';
import { humanSize } from './fs-queries.ts';

export const LS_USAGE = 'hsec fs -ls [-C] [-d] [-h] [-q] [-R] [-t] [-S] [-r] [-u] [-e] [<path> ...]';
/** Command.getUsage of a deprecated command: its name alone (it takes Ls's options). */
export const LSR_USAGE = 'hsec fs -lsr';
/** Ls's CommandFormat options (R is implied by -lsr). */
export const LS_FLAGS = 'CdhqRrtSue';

/** Ls.getListingGroupSize: a recursive, unsorted listing is laid out this many entries at a time. */
const LISTING_GROUP_SIZE = 100;

interface LsOptions {
  readonly pathOnly: boolean;
  /** false with -d: a directory argument is one entry */
  readonly dirRecurse: boolean;
  readonly recursive: boolean;
  readonly human: boolean;
  readonly hideNonPrintable: boolean;
  readonly reverse: boolean;
  readonly byTime: boolean;
  /** -S, unless -t is given too */
  readonly bySize: boolean;
  readonly atime: boolean;
  readonly ecPolicy: boolean;
}

/** Ls.processOptions. */
export function lsOptions(flags: ReadonlySet<string>): LsOptions {
  const dirRecurse = !flags.has('d');
  const byTime = flags.has('t');
  return {
    pathOnly: flags.has('C'), dirRecurse, recursive: flags.has('R') && dirRecurse, human: flags.has('h'),
    hideNonPrintable: flags.has('q'), reverse: flags.has('r'), byTime, bySize: !byTime && flags.has('S'), atime: flags.has('u'), ecPolicy: flags.has('e'),
  };
}

/** One listed path: as printed and its status. */
interface Entry {
  readonly shown: string;
  readonly status: FileStatus;
}

/** Runs one path's work, reporting a failure as FsShell does and going on (the shell's `each`). */
type Each = (path: string, fn: () => Promise<void>) => Promise<void>;

/** One `-ls` command: its options and the column widths it has grown so far. */
export class Lister {
  readonly #fs: HdfsClient;
  readonly #o: LsOptions;
  readonly #out: (s: string) => void;
  readonly #each: Each;
  #maxRepl = 3;
  #maxLen = 10;
  #maxOwner = 0;
  #maxGroup = 0;
  /** Width of the -e column in the group being printed (Ls recomputes it per group). */
  #maxEc = 0;
  readonly #ecNames = new Map<string, string>();

  constructor(fs: HdfsClient, options: LsOptions, out: (s: string) => void, each: Each) {
    this.#fs = fs;
    this.#o = options;
    this.#out = out;
    this.#each = each;
  }

  /** Command.processArgument and Ls.processPathArgument: a directory lists its entries (unless -d), anything else is one line. */
  async argument(item: Operand): Promise<void> {
    const status = await existingStatus(this.#fs, item);
    if (!status) throw pathNotFound(item.shown);
    const entry = { shown: item.shown, status };
    if (this.#o.dirRecurse && status.type === 'directory') await this.#recurse(entry);
    else await this.#group(false, [entry]);
  }

  /** Command.recursePath: the directory's entries, whole and sorted (Ls.isSorted) or in groups as listed. */
  async #recurse(dir: Entry): Promise<void> {
    const entries = (await this.#fs.list(dir.status.path)).map((status) => ({ shown: shownChild(dir.shown, nameOf(status.path)), status }));
    const o = this.#o;
    if (!o.recursive || o.byTime || o.bySize || o.reverse) {
      // PathData.getDirectoryContents sorts by path (Path.compareTo)
      await this.#group(true, entries.sort((a, b) => compareUriPaths(a.status.path, b.status.path)));
      return;
    }
    const size = o.pathOnly ? 1 : LISTING_GROUP_SIZE;
    for (let i = 0; i < entries.length; i += size) await this.#group(true, entries.slice(i, i + size));
  }

  /** Ls.processPaths then Command.processPaths: header and order for a directory's entries, widths, then each line (and its subtree with -R). */
  async #group(inDirectory: boolean, entries: Entry[]): Promise<void> {
    const o = this.#o;
    if (inDirectory && !o.recursive && entries.length > 0) {
      if (!o.pathOnly) this.#out(`Found ${entries.length} items\n`);
      entries.sort(this.#comparator());
    }
    if (!o.pathOnly) await this.#adjustColumnWidths(entries);
    for (const entry of entries) {
      await this.#each(entry.shown, async () => {
        this.#out(`${this.#line(entry)}\n`);
        if (o.recursive && entry.status.type === 'directory') await this.#recurse(entry);
      });
    }
  }

  /** Ls.initialiseOrderComparator: time (newest first), else size (largest first), else path; -r reverses. */
  #comparator(): (a: Entry, b: Entry) => number {
    const o = this.#o;
    const sign = o.reverse ? -1 : 1;
    if (o.byTime) return (a, b) => sign * Math.sign(this.#time(b.status) - this.#time(a.status));
    if (o.bySize) return (a, b) => sign * Math.sign(b.status.length - a.status.length);
    return (a, b) => sign * compareUriPaths(a.status.path, b.status.path);
  }

  #time(s: FileStatus): number {
    return this.#o.atime ? s.accessTime : s.modificationTime;
  }

  /** Ls.adjustColumnWidths: the fields only grow; the -e column is sized per group from each entry's content summary. */
  async #adjustColumnWidths(entries: readonly Entry[]): Promise<void> {
    for (const { status: s } of entries) {
      this.#maxRepl = Math.max(this.#maxRepl, String(s.replication).length);
      this.#maxLen = Math.max(this.#maxLen, String(s.length).length);
      this.#maxOwner = Math.max(this.#maxOwner, s.owner.length);
      this.#maxGroup = Math.max(this.#maxGroup, s.group.length);
    }
    if (!this.#o.ecPolicy) return;
    this.#maxEc = 0;
    for (const { status: s } of entries) this.#maxEc = Math.max(this.#maxEc, (await this.#ecName(s)).length);
  }

  /** ContentSummary.getErasureCodingPolicy of the path: "Replicated" for a replicated file, "" for a directory without a policy. */
  async #ecName(s: FileStatus): Promise<string> {
    let name = this.#ecNames.get(s.path);
    if (name === undefined) {
      name = (await this.#fs.contentSummary(s.path)).erasureCodingPolicy ?? '';
      this.#ecNames.set(s.path, name);
    }
    return name;
  }

  /** Ls.processPath: the path alone (-C), or Ls's line format. */
  #line({ shown, status: s }: Entry): string {
    const path = this.#o.hideNonPrintable ? printable(shown) : shown;
    if (this.#o.pathOnly) return path;
    const kind = s.type === 'directory' ? 'd' : '-';
    const replication = (s.type === 'file' ? String(s.replication) : '-').padStart(this.#maxRepl);
    const ec = this.#o.ecPolicy ? ` ${(this.#ecNames.get(s.path) ?? '').padStart(this.#maxEc)} ` : '';
    // Ls's "%-Ns " for owner and group, or a bare "%s" while every owner (group) seen was empty
    const owner = this.#maxOwner > 0 ? `${s.owner.padEnd(this.#maxOwner)} ` : s.owner;
    const group = this.#maxGroup > 0 ? `${s.group.padEnd(this.#maxGroup)} ` : s.group;
    const size = (this.#o.human ? humanSize(s.length) : String(s.length)).padStart(this.#maxLen);
    return `${kind}${permissionString(s.permission)}${s.hasAcl ? '+' : ' '}${replication} ${ec}${owner}${group}${size} ${lsDate(this.#time(s))} ${path}`;
  }
}

/** `hsec fs -ls` over its operands (expanded globs): each argument in turn, a failure reported and the others listed. */
export async function ls(fs: HdfsClient, operands: readonly Operand[], flags: ReadonlySet<string>, out: (s: string) => void, each: Each): Promise<void> {
  const lister = new Lister(fs, lsOptions(flags), out, each);
  for (const item of operands) await each(item.shown, () => lister.argument(item));
}

/** PrintableString: `?` for each code point of category Cc, Cf, Co, Cs or Cn. */
export function printable(text: string): string {
  return text.replace(/[\p{Cc}\p{Cf}\p{Co}\p{Cs}\p{Cn}]/gu, '?');
}

/** `yyyy-MM-dd HH:mm` in local time (Ls's SimpleDateFormat). */
export function lsDate(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

function nameOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
