/**
 * `hsec lsSnapshottableDir`, `hsec lsSnapshot <snapshotDir>` and `hsec snapshotDiff <snapshotDir>
 * <from> <to>`, after Hadoop 3.4.1's snapshot tools (org.apache.hadoop.hdfs.tools.snapshot
 * LsSnapshottableDir, LsSnapshot, SnapshotDiff): a wrong argument count prints "Usage: \n" and the
 * tool's description on stderr, naming the tool `hsec <tool>` where Hadoop's says `hdfs <tool>`
 * (LsSnapshot says "Invalid no of arguments" first), exit 1; a
 * listing prints as SnapshottableDirectoryStatus.print / SnapshotStatus.print (an empty line for
 * none: an hsec NameNode has no snapshottable directory but its root, which no listing names, and
 * no snapshots); a diff prints SnapshotDiffReport.toString and a blank line, "." naming the current
 * tree and ".snapshot/" before a name being optional. A failure prints `<tool>: <first line of the
 * message>`, exit 1 (SnapshotDiff's stack trace after it is left out).
 */
import type { Command } from 'commander';
import { HsecError } from '../../../lib/errors/index.ts';
import { HdfsClient } from '../../client/hdfs-client.ts';
import type { SnapshotDiffReport, SnapshotStatus, SnapshottableDirectoryStatus } from '../../protocol/client-protocol.ts';
import type { HdfsFileStatus } from '../../protocol/hdfs-types.ts';
import { permissionString } from '../../namenode/namespace/permission-checker.ts';
import { loadCliConfiguration } from '../cli-configuration.ts';
import { lsDate } from '../fs-ls.ts';
import { cliConfigSource, type CliConfigArg } from '../generic-options.ts';
import type { CliIo } from './fetchdt.ts';

const LS_SNAPSHOTTABLE_DIR_USAGE = 'hsec lsSnapshottableDir: \n' +
  '\tGet the list of snapshottable directories that are owned by the current user.\n' +
  '\tReturn all the snapshottable directories if the current user is a super user.\n';
const LS_SNAPSHOT_USAGE = 'hsec lsSnapshot <snapshotDir>: \n\tGet the list of snapshots for a snapshottable directory.\n';
const SNAPSHOT_DIFF_USAGE = 'hsec snapshotDiff <snapshotDir> <from> <to>:\n' +
  '\tGet the difference between two snapshots, \n' +
  '\tor between a snapshot and the current tree of a directory.\n' +
  '\tFor <from>/<to>, users can use "." to present the current status,\n' +
  '\tand use ".snapshot/snapshot_name" to present a snapshot,\n' +
  '\twhere ".snapshot/" can be omitted\n';

function registerTool(program: Command, name: string, description: string, run: (config: CliConfigArg, argv: readonly string[]) => Promise<number>): void {
  program
    .command(name)
    .description(description)
    .helpOption(false)
    .allowUnknownOption()
    .argument('[args...]')
    .action(async (args: string[], _opts: unknown, command: Command) => {
      process.exitCode = await run(cliConfigSource(command), args);
    });
}

export const lsSnapshottableDirCommand = {
  register: (program: Command) => registerTool(program, 'lsSnapshottableDir', 'the snapshottable directories like hdfs lsSnapshottableDir (the caller\'s; all for the superuser)', (c, a) => runLsSnapshottableDir(c, a)),
};
export const lsSnapshotCommand = {
  register: (program: Command) => registerTool(program, 'lsSnapshot', 'the snapshots of a snapshottable directory like hdfs lsSnapshot <snapshotDir>', (c, a) => runLsSnapshot(c, a)),
};
export const snapshotDiffCommand = {
  register: (program: Command) => registerTool(program, 'snapshotDiff', 'the difference between two snapshots like hdfs snapshotDiff <snapshotDir> <from> <to>', (c, a) => runSnapshotDiff(c, a)),
};

/** LsSnapshottableDir.run. */
export function runLsSnapshottableDir(config: CliConfigArg, argv: readonly string[], io: CliIo = {}): Promise<number> {
  return runTool('lsSnapshottableDir', config, io, argv.length === 0 ? undefined : `Usage: \n${LS_SNAPSHOTTABLE_DIR_USAGE}`,
    async (fs, out) => out(printSnapshottableDirs(await fs.getSnapshottableDirListing())));
}

/** LsSnapshot.run. */
export function runLsSnapshot(config: CliConfigArg, argv: readonly string[], io: CliIo = {}): Promise<number> {
  return runTool('lsSnapshot', config, io, argv.length === 1 ? undefined : `Invalid no of arguments\nUsage: \n${LS_SNAPSHOT_USAGE}`,
    async (fs, out) => out(printSnapshots(await fs.getSnapshotListing(argv[0]!))));
}

/** SnapshotDiff.run. */
export function runSnapshotDiff(config: CliConfigArg, argv: readonly string[], io: CliIo = {}): Promise<number> {
  return runTool('snapshotDiff', config, io, argv.length === 3 ? undefined : `Usage: \n${SNAPSHOT_DIFF_USAGE}`,
    async (fs, out) => out(`${diffReportString(await fs.getSnapshotDiffReport(argv[0]!, snapshotName(argv[1]!), snapshotName(argv[2]!)))}\n`));
}

async function runTool(tool: string, config: CliConfigArg, io: CliIo, usage: string | undefined, body: (fs: HdfsClient, out: (s: string) => void) => Promise<void>): Promise<number> {
  const out = io.out ?? ((s: string) => void process.stdout.write(s));
  const err = io.err ?? ((s: string) => void process.stderr.write(s));
  if (usage !== undefined) {
    err(`${usage}\n`);
    return 1;
  }
  const env = io.env ?? process.env;
  let fs: HdfsClient | undefined;
  try {
    fs = await HdfsClient.connect({ conf: loadCliConfiguration(config, env), env });
    await body(fs, out);
    return 0;
  } catch (e) {
    if (!(e instanceof HsecError)) throw e;
    // e.getLocalizedMessage().split("\n")[0]
    const remote = e.details['errorMsg'];
    err(`${tool}: ${(typeof remote === 'string' ? remote : e.message).split('\n')[0]!}\n`);
    return 1;
  } finally {
    fs?.close();
  }
}

/** SnapshotDiff.getSnapshotName: "." is the current tree (""), a leading ".snapshot/" or "/.snapshot/" is dropped. */
export function snapshotName(name: string): string {
  if (name === '.') return '';
  if (name.startsWith('.snapshot/')) return name.slice('.snapshot/'.length);
  if (name.startsWith('/.snapshot/')) return name.slice('/.snapshot/'.length);
  return name;
}

/** SnapshotDiffReport.toString: the heading, then one `label\tpath` line per entry (`R` with ` -> target`). */
export function diffReportString(report: SnapshotDiffReport): string {
  const point = (s: string) => (s ? `snapshot ${s}` : 'current directory');
  const path = (bytes: Uint8Array | undefined) => {
    const p = Buffer.from(bytes ?? new Uint8Array(0)).toString('utf8');
    return p ? `./${p}` : '.'; // DiffReportEntry.getPathString
  };
  let s = `Difference between ${point(report.fromSnapshot)} and ${point(report.toSnapshot)} under directory ${report.snapshotRoot}:\n`;
  for (const e of report.diffReportEntries ?? []) {
    s += `${e.modificationLabel}\t${path(e.fullpath)}${e.modificationLabel === 'R' ? ` -> ${path(e.targetPath)}` : ''}\n`;
  }
  return s;
}

/** SnapshottableDirectoryStatus.print. */
export function printSnapshottableDirs(stats: readonly SnapshottableDirectoryStatus[] | undefined): string {
  if (!stats || stats.length === 0) return '\n';
  const rows = stats.map((st) => [...statusColumns(st.dirStatus), String(st.snapshot_number), String(st.snapshot_quota), fullPath(st)]);
  return table(rows, [null, true, false, false, true, null, true, true, false]);
}

/** SnapshotStatus.print. */
export function printSnapshots(stats: readonly SnapshotStatus[] | undefined): string {
  if (!stats || stats.length === 0) return '\n';
  const rows = stats.map((st) => {
    const parent = Buffer.from(st.parent_fullpath).toString('utf8') || '/';
    const name = Buffer.from(st.dirStatus.path).toString('utf8');
    return [...statusColumns(st.dirStatus), String(st.snapshotID), st.isDeleted ? 'DELETED' : 'ACTIVE', `${parent.endsWith('/') ? parent : `${parent}/`}.snapshot/${name}`];
  });
  return table(rows, [null, true, false, false, true, null, true, null, false]);
}

/** "d" + permission, replication, owner, group, length, modification time (yyyy-MM-dd HH:mm, local). */
function statusColumns(st: HdfsFileStatus): string[] {
  return [`d${permissionString(st.permission.perm)}`, String(st.block_replication ?? 0), st.owner, st.group, String(st.length), lsDate(st.modification_time)];
}

/** SnapshottableDirectoryStatus.getFullPath: "/" for the root, else new Path(parent, localName). */
function fullPath(st: SnapshottableDirectoryStatus): string {
  const parent = Buffer.from(st.parent_fullpath).toString('utf8');
  const name = Buffer.from(st.dirStatus.path).toString('utf8');
  if (!parent) return name || '/';
  return parent.endsWith('/') ? `${parent}${name}` : `${parent}/${name}`;
}

/**
 * The print methods' String.format line: `%s%s %Ns %-Ns %-Ns %Ns %s %Ns ... %s`, each padded column
 * as wide as its longest value (right-aligned: true, left: false), an owner or group column of
 * width 0 as plain %s; `null` is a plain `%s ` column.
 */
function table(rows: string[][], right: (boolean | null)[]): string {
  const widths = right.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => {
    let line = r[0]!; // "d" + permission, then a blank
    for (let i = 1; i < r.length; i++) {
      const v = r[i]!;
      const last = i === r.length - 1;
      const padded = right[i] === null || last ? v : right[i] ? v.padStart(widths[i]!) : v.padEnd(widths[i]!);
      // %-0s is written %s without its blank (owner and group); every other column ends with one
      const blank = last || ((i === 2 || i === 3) && widths[i] === 0) ? '' : ' ';
      line += (i === 1 ? ' ' : '') + padded + blank;
    }
    return `${line}\n`;
  }).join('');
}
