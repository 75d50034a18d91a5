/**
 * `hsec fs -df`, `-du` (and the deprecated `-dus`), `-setrep`, `-test`, `-touch`, `-touchz` and
 * `-stat`, after Hadoop 3.4's FsShell commands (org.apache.hadoop.fs.shell.FsUsage.Df, Du and Dus,
 * SetReplication, Test, TouchCommands.Touch and Touchz, Stat) with their output formats: Du's and
 * Df's tables (columns aligned to the widest entry, two spaces apart, printed after every
 * argument; -du -x without the snapshots' share, which on an hsec NameNode is none), sizes with -h
 * as StringUtils.TraditionalBinaryPrefix.long2String(n, "", 1) (`1.5 K`, `3 M`), `Replication N
 * set: p`, and Stat's format letters with times in UTC (-stat -R: each directory's entries after
 * it). -count is ./fs-count.ts. Paths print as the user wrote them, a directory's entries as
 * `arg/name`; path arguments are globs (./fs-operands.ts). `-setrep -w` waits as SetReplication's
 * waitForReplication does: each file in turn, until every block has as many locations as asked,
 * looking again every 10 s.
 */
import { HsecError } from '../../lib/errors/index.ts';
import type { FsActionName } from '../protocol/client-protocol.ts';
import { permissionString, type FileStatus } from '../client/file-status.ts';
import type { HdfsClient } from '../client/hdfs-client.ts';
import { existingStatus, pathError, pathNotFound, shownChild, type Operand } from './fs-operands.ts';
import { UsageError } from './usage.ts';
import { formatPercent, long2String } from '../../lib/text/java-format.ts';
import { COUNT_FLAGS, COUNT_USAGE } from './fs-count.ts';

export const QUERY_USAGES: Readonly<Record<string, string>> = {
  '-df': 'hsec fs -df [-h] [<path> ...]',
  '-du': 'hsec fs -du [-s] [-h] [-v] [-x] <path> ...',
  '-dus': 'hsec fs -dus',
  '-count': COUNT_USAGE,
  '-setrep': 'hsec fs -setrep [-R] [-w] <rep> <path> ...',
  '-test': 'hsec fs -test -[defswrz] <path>',
  '-touch': 'hsec fs -touch [-a] [-m] [-t TIMESTAMP (yyyyMMdd:HHmmss) ] [-c] <path> ...',
  '-touchz': 'hsec fs -touchz <path> ...',
  '-stat': 'hsec fs -stat [format] <path> ...',
};

/** The single-letter options each verb takes. */
export const QUERY_FLAGS: Readonly<Record<string, string>> = { '-df': 'h', '-du': 'shvx', '-dus': 'shvx', '-count': COUNT_FLAGS, '-setrep': 'Rw', '-test': 'defrswz', '-touch': 'amct', '-touchz': '', '-stat': 'R' };

type Each = (path: string, fn: () => Promise<void>) => Promise<void>;
type Out = (s: string) => void;

/** What a verb gets: the client, its operands and options, the per-path error reporter, stdout, and the glob expansion of path arguments. */
export interface QueryContext {
  fs: HdfsClient;
  operands: string[];
  flags: Set<string>;
  each: Each;
  out: Out;
  /** Command.expandArguments: the operands the path arguments name (a failed one reported through `each` and left out). */
  expand: (args: readonly string[]) => Promise<Operand[]>;
  /** -touch -t's TIMESTAMP, as given. */
  timestamp?: string;
}

/** The status of an operand, from the glob or looked up now (FILE_NOT_FOUND for a missing path). */
async function statusOf(fs: HdfsClient, item: Operand): Promise<FileStatus> {
  return item.status ?? fs.stat(item.path);
}

/** A directory entry as FsShell prints it: the argument as written, then the name. */
function entryPath(arg: string, entry: FileStatus): string {
  return shownChild(arg, entry.path.slice(entry.path.lastIndexOf('/') + 1));
}

/** StringUtils.TraditionalBinaryPrefix.long2String(n, "", 1). */
export function humanSize(value: number | bigint): string {
  return long2String(value, '', 1);
}

const size = (n: number | bigint, human: boolean): string => (human ? humanSize(n) : String(n));

/** FsUsage.Du: one row per argument (-s, or a file) or per entry of a directory argument; -x takes the snapshots' length and space off. */
export async function du({ fs, operands, flags, each, out, expand }: QueryContext): Promise<void> {
  const rows: string[][] = [];
  const human = flags.has('h');
  for (const { shown: arg, ...operand } of await expand(operands)) {
    await each(arg, async () => {
      const self = await statusOf(fs, { shown: arg, ...operand });
      const items = self.type === 'directory' && !flags.has('s') ? (await fs.list(self.path)).map((e) => ({ path: e.path, shown: entryPath(arg, e) })) : [{ path: self.path, shown: arg }];
      for (const item of items) {
        const cs = await fs.contentSummary(item.path);
        const x = flags.has('x');
        rows.push([size(cs.length - (x ? (cs.snapshotLength ?? 0) : 0), human), size(cs.spaceConsumed - (x ? (cs.snapshotSpaceConsumed ?? 0) : 0), human), item.shown]);
      }
    });
  }
  if (rows.length === 0) return;
  if (flags.has('v')) rows.unshift(['SIZE', 'DISK_SPACE_CONSUMED_WITH_ALL_REPLICAS', 'FULL_PATH_NAME']);
  out(table(rows));
}

/**
 * FsUsage.Df: the file system's size, used and available space and Use%, one row per argument (`/`
 * when none is given; globs expanded, a missing path reported), under a header. Filesystem is the
 * URI of the file system the path is on (DistributedFileSystem.getUri: `hdfs://` and fs.defaultFS's
 * authority, or the authority the argument names).
 */
export async function df({ fs, operands, flags, each, out, expand }: QueryContext): Promise<void> {
  const human = flags.has('h');
  const rows: string[][] = [['Filesystem', 'Size', 'Used', 'Available', 'Use%']];
  for (const item of await expand(operands.length > 0 ? operands : ['/'])) {
    await each(item.shown, async () => {
      await statusOf(fs, item);
      const { capacity, used, remaining } = await fs.fsStatus();
      rows.push([fileSystemUri(fs, item.shown), size(capacity, human), size(used, human), size(remaining, human), formatPercent(used / capacity, 0)]);
    });
  }
  if (rows.length > 1) out(table(rows, [false, true, true, true, true]));
}

/** FileSystem.getUri of the file system a path argument is on. */
export function fileSystemUri(fs: HdfsClient, shown: string): string {
  const named = /^hdfs:\/\/([^/]*)/i.exec(shown);
  if (named) return `hdfs://${named[1]}`;
  const defaultFs = /^hdfs:\/\/([^/]*)/i.exec(fs.conf.get('fs.defaultFS', ''));
  return `hdfs://${defaultFs ? defaultFs[1] : `${fs.nameNode.host}:${fs.nameNode.port}`}`;
}

/** TableBuilder.printToStream: columns two spaces apart, left-aligned (no padding after the last) or right-aligned. */
function table(rows: string[][], rightAlign: readonly boolean[] = []): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const cell = (text: string, c: number, last: boolean) => (rightAlign[c] ? text.padStart(widths[c]!) : last ? text : text.padEnd(widths[c]!));
  return rows.map((r) => `${r.map((text, c) => cell(text, c, c === r.length - 1)).join('  ')}\n`).join('');
}

/** SetReplication.waitForReplication's pause between looks (ms). */
export const SETREP_WAIT_MS = 10_000;

/**
 * SetReplication: every file of each argument (directories recursively), `Replication N set: p`;
 * with -w, then waits for each of them (waitForReplication).
 */
export async function setrep({ fs, operands, flags, each, out, expand }: QueryContext): Promise<void> {
  const [repText, ...paths] = operands;
  if (!/^[+-]?\d+$/.test(repText!) || Number(repText) > 32767 || Number(repText) < -32768) throw new UsageError('-setrep: Illegal replication, a positive integer expected', QUERY_USAGES['-setrep']!);
  const rep = Number(repText);
  if (rep < 1) throw new UsageError('-setrep: replication must be >= 1', QUERY_USAGES['-setrep']!);
  if (paths.length === 0) throw new UsageError('-setrep: Not enough arguments: expected 2 but got 1', QUERY_USAGES['-setrep']!);
  const visit = async (status: FileStatus, shown: string): Promise<void> => {
    if (status.type === 'file') {
      if (!(await fs.setReplication(status.path, rep))) throw new HsecError('FILE_IO', `Could not set replication for: ${shown}`, { path: status.path, messageOnly: true });
      out(`Replication ${rep} set: ${shown}\n`);
      if (flags.has('w')) waitList.push({ path: status.path, shown });
      return;
    }
    for (const e of await fs.list(status.path)) await each(entryPath(shown, e), () => visit(e, entryPath(shown, e)));
  };
  const waitList: { path: string; shown: string }[] = [];
  for (const item of await expand(paths)) await each(item.shown, async () => visit(await statusOf(fs, item), item.shown));
  for (const item of waitList) await waitForReplication(fs, item, rep, out);
}

/** SetReplication.waitForReplication for one file: dots while a block has another number of locations than `rep`. */
async function waitForReplication(fs: HdfsClient, item: { path: string; shown: string }, rep: number, out: Out): Promise<void> {
  out(`Waiting for ${item.shown} ...`);
  let printedWarning = false;
  for (;;) {
    const length = (await fs.stat(item.path)).length; // item.refreshStatus()
    const locations = await fs.getFileBlockLocations(item.path, 0, length);
    const short = locations.find((l) => l.hosts.length !== rep);
    if (!short) break;
    if (!printedWarning && short.hosts.length > rep) {
      out('\nWARNING: the waiting time may be long for DECREASING the number of replications.\n');
      printedWarning = true;
    }
    out('.');
    await new Promise((resolve) => setTimeout(resolve, SETREP_WAIT_MS));
  }
  out(' done\n');
}

/** Test's options: exactly one condition and one path (a UsageError before any call). */
export function checkTestArgs(flags: Set<string>, operands: readonly string[]): void {
  if (flags.size !== 1) throw new UsageError('-test: No test flag given', QUERY_USAGES['-test']!);
  if (operands.length !== 1) throw new UsageError(`-test: Too many arguments: expected 1 but got ${operands.length}`, QUERY_USAGES['-test']!);
}

/**
 * Test (after checkTestArgs): exit 0 when the one condition holds for every path the argument
 * names, 1 when not (a missing plain path is 1 without a message; a glob matching nothing is
 * reported through `each`).
 */
export async function test({ fs, operands, flags, each, expand }: QueryContext): Promise<number> {
  let result = 0;
  const items = await expand(operands.slice(0, 1));
  if (items.length === 0) return 1;
  for (const item of items) await each(item.shown, async () => {
    if (!(await holds(fs, item, [...flags][0]!))) result = 1;
  });
  return result;
}

async function holds(fs: HdfsClient, item: Operand, flag: string): Promise<boolean> {
  const s = await existingStatus(fs, item);
  if (!s) return false;
  if (flag === 'r' || flag === 'w') {
    const mode: FsActionName = flag === 'r' ? 'READ' : 'WRITE';
    try {
      await fs.access(item.path, mode);
      return true;
    } catch (e) {
      const cls = e instanceof HsecError ? e.details['exceptionClassName'] : undefined;
      if (cls === 'org.apache.hadoop.security.AccessControlException' || cls === 'java.io.FileNotFoundException') return false;
      throw e;
    }
  }
  return flag === 'e' || (flag === 'd' && s.type === 'directory') || (flag === 'f' && s.type === 'file') || (flag === 's' && s.length > 0) || (flag === 'z' && s.length === 0);
}

/**
 * TouchCommands.Touch: set both times to now or to -t's TIMESTAMP (-a: the access time only, -m:
 * the modification time only); create a missing file unless -c, setting its times only with -t.
 * A TIMESTAMP that does not parse stops the command when first needed (Touch.updateTime's
 * IllegalArgumentException): a UsageError.
 */
export async function touch({ fs, operands, flags, each, expand, timestamp }: QueryContext, now: () => number = Date.now): Promise<void> {
  const setTimes = async (path: string) => {
    const time = timestamp === undefined ? now() : parseTouchTimestamp(timestamp);
    const onlyOne = flags.has('a') !== flags.has('m');
    await fs.setTimes(path, onlyOne && flags.has('a') ? -1 : time, onlyOne && flags.has('m') ? -1 : time);
  };
  for (const item of await expand(operands)) {
    await each(item.shown, async () => {
      const status = await existingStatus(fs, item);
      if (!status) {
        if (flags.has('c')) return;
        if (!(await fs.exists(parentOf(item.path)))) throw pathNotFound(item.shown);
        await fs.writeFile(item.path, new Uint8Array(0));
        if (timestamp !== undefined) await setTimes(item.path);
        return;
      }
      await setTimes(item.path); // a directory's times too (HADOOP-18188)
    });
  }
}

/**
 * StringUtils.popOptionWithArgument(name, args): the first `name` (before `--`) and the word after it
 * come out of `args`; undefined when absent; a UsageError when nothing follows.
 */
export function popOptionWithArgument(verb: string, name: string, args: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--') return undefined;
    if (args[i] !== name) continue;
    if (i + 1 === args.length) throw new UsageError(`${verb}: option ${name} requires 1 argument.`, QUERY_USAGES[verb] ?? '');
    return args.splice(i, 2)[1];
  }
  return undefined;
}

/**
 * Touch's SimpleDateFormat("yyyyMMdd:HHmmss").parse in the local time zone, lenient as Java's is: the
 * year, month, hour and minute take exactly their letters' digits (they abut the next field), the
 * day and the seconds as many digits as there are (a literal or the end follows them), values out
 * of range roll over (month 13 is January of the next year), and text after the seconds is ignored.
 */
export function parseTouchTimestamp(text: string): number {
  const m = /^(\d{4})(\d{2})(\d+):(\d{2})(\d{2})(\d+)/.exec(text);
  if (!m) throw new UsageError(`-touch: Unable to parse the specified timestamp ${text}. The expected format is yyyyMMdd:HHmmss`, QUERY_USAGES['-touch']!);
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const d = new Date(2000, 0, 1);
  d.setFullYear(year, month - 1, day); // setFullYear: years below 100 stay as they are
  d.setHours(hour, minute, second, 0);
  return d.getTime();
}

/** Touchz: a zero-length file at each path (made again when it is one); a directory or a file with data is refused. */
export async function touchz({ fs, operands, each, expand }: QueryContext): Promise<void> {
  for (const item of await expand(operands)) {
    await each(item.shown, async () => {
      const status = await existingStatus(fs, item);
      if (status?.type === 'directory') throw pathError(item.shown, 'Is a directory');
      if (status && status.length !== 0) throw pathError(item.shown, 'Not a zero-length file');
      if (!status && !(await fs.exists(parentOf(item.path)))) throw pathNotFound(item.shown);
      await fs.writeFile(item.path, new Uint8Array(0), { overwrite: true });
    });
  }
}

function parentOf(path: string): string {
  return path.replace(/\/[^/]*$/, '') || '/';
}

/**
 * Stat.processOptions: the first argument is the format when it contains `%` (default `%y`), and a
 * path must follow ("Not enough arguments: expected 1 but got 0"); -R lists a directory's entries
 * after it, depth first (Command.recursePath).
 */
export async function stat({ fs, operands, flags, each, out, expand }: QueryContext): Promise<void> {
  const format = operands[0]!.includes('%') ? operands[0]! : '%y';
  const paths = format === operands[0] ? operands.slice(1) : operands;
  if (paths.length === 0) throw new UsageError('-stat: Not enough arguments: expected 1 but got 0', QUERY_USAGES['-stat']!);
  const visit = async (status: FileStatus, shown: string): Promise<void> => {
    out(`${statLine(format, status)}\n`);
    if (!flags.has('R') || status.type !== 'directory') return;
    for (const e of await fs.list(status.path)) await each(entryPath(shown, e), () => visit(e, entryPath(shown, e)));
  };
  for (const item of await expand(paths)) await each(item.shown, async () => visit(await statusOf(fs, item), item.shown));
}

/** Stat.processPath's line: each `%c` replaced (an unknown letter, `%%` too, prints as itself; a trailing `%` is dropped). */
export function statLine(format: string, s: FileStatus): string {
  let line = '';
  for (let i = 0; i < format.length; i++) {
    const c = format[i]!;
    if (c !== '%') {
      line += c;
      continue;
    }
    if (i + 1 === format.length) break;
    const letter = format[++i]!;
    line += statField(letter, s) ?? letter;
  }
  return line;
}

/** Stat's letters in 3.4 (%l, lazyPersist, went with FileStatus.isLazyPersist: it prints `l`). */
function statField(letter: string, s: FileStatus): string | undefined {
  switch (letter) {
    case 'a': return String(Number(((s.permission >> 9) & 1).toString() + (s.permission & 0o777).toString(8).padStart(3, '0'))); // FsPermission.toOctal
    case 'A': return permissionString(s.permission);
    case 'b': return String(s.length);
    case 'F': return s.type === 'directory' ? 'directory' : s.type === 'file' ? 'regular file' : 'symlink';
    case 'g': return s.group;
    case 'n': return s.path.slice(s.path.lastIndexOf('/') + 1);
    case 'o': return String(s.blockSize);
    case 'r': return String(s.replication);
    case 'u': return s.owner;
    case 'x': return utcTime(s.accessTime);
    case 'X': return String(s.accessTime);
    case 'y': return utcTime(s.modificationTime);
    case 'Y': return String(s.modificationTime);
    default: return undefined;
  }
}

/** `yyyy-MM-dd HH:mm:ss` in UTC (Stat's SimpleDateFormat). */
function utcTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}
