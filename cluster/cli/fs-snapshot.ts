/**
 * `hsec fs -createSnapshot <snapshotDir> [<snapshotName>]`, `-deleteSnapshot <snapshotDir>
 * <snapshotName>` and `-renameSnapshot <snapshotDir> <oldName> <newName>`, after Hadoop 3.4.1's
 * FsShell SnapshotCommands (CreateSnapshot, DeleteSnapshot, RenameSnapshot): processOptions counts
 * the arguments first, taking the names off the end, with no options parsed ("<snapshotDir> is
 * missing.", "Too many arguments.", "Incorrect number of arguments.": an IllegalArgumentException,
 * so FsShell prints the usage lists and exits -1); the directory is expanded as every FsShell
 * argument is (a missing one "`d': No such file or directory"), each match must be a directory
 * ("`d': Is not a directory"), and after any such error nothing is asked of the NameNode. Then the
 * first match's snapshot call (DistributedFileSystem.createSnapshot / deleteSnapshot /
 * renameSnapshot; -renameSnapshot insists on exactly one match) and its line: "Created snapshot
 * <path>", "Deleted snapshot <name> under <dir>", "Renamed snapshot <old> to <new> under <dir>",
 * <dir> as the argument was written. A NameNode refusal is printed as `createSnapshot: <message>`
 * (exit 1). An hsec NameNode keeps no snapshots, so only its refusals come back from it.
 */
import type { HdfsClient } from '../client/hdfs-client.ts';
import { ShellArgumentError } from './fs-acl.ts';
import { pathError, type Operand } from './fs-operands.ts';

export type SnapshotVerb = '-createSnapshot' | '-deleteSnapshot' | '-renameSnapshot';

/** Each command's usage line (SnapshotCommands' USAGE after `hsec fs <verb> `). */
export const SNAPSHOT_USAGES: Readonly<Record<SnapshotVerb, string>> = {
  '-createSnapshot': 'hsec fs -createSnapshot <snapshotDir> [<snapshotName>]',
  '-deleteSnapshot': 'hsec fs -deleteSnapshot <snapshotDir> <snapshotName>',
  '-renameSnapshot': 'hsec fs -renameSnapshot <snapshotDir> <oldName> <newName>',
};

export function isSnapshotVerb(verb: string): verb is SnapshotVerb {
  return verb in SNAPSHOT_USAGES;
}

export interface SnapshotCommand {
  readonly verb: SnapshotVerb;
  /** the snapshotDir argument (a glob, as every FsShell path) */
  readonly dir: string;
  /** createSnapshot: [] or [name]; deleteSnapshot: [name]; renameSnapshot: [old, new] */
  readonly names: readonly string[];
}

/** processOptions of CreateSnapshot / DeleteSnapshot / RenameSnapshot: an IllegalArgumentException is a ShellArgumentError. */
export function parseSnapshotCommand(verb: SnapshotVerb, args: readonly string[]): SnapshotCommand {
  if (verb === '-createSnapshot') {
    if (args.length === 0) throw new ShellArgumentError('<snapshotDir> is missing.');
    if (args.length > 2) throw new ShellArgumentError('Too many arguments.');
  } else if (args.length !== (verb === '-deleteSnapshot' ? 2 : 3)) {
    throw new ShellArgumentError('Incorrect number of arguments.');
  }
  return { verb, dir: args[0]!, names: args.slice(1) };
}

/** processPath: every match of the directory argument must be a directory. */
export async function requireDirectory(fs: HdfsClient, item: Operand): Promise<void> {
  const status = item.status ?? await fs.stat(item.path);
  if (status.type !== 'directory') throw pathError(item.shown, 'Is not a directory');
}

/** processArguments after the paths passed: the call on the first match and the line it prints. */
export async function runSnapshotCommand(fs: HdfsClient, cmd: SnapshotCommand, sroot: Operand, out: (s: string) => void): Promise<void> {
  const [a, b] = cmd.names;
  switch (cmd.verb) {
    case '-createSnapshot':
      out(`Created snapshot ${await fs.createSnapshot(sroot.path, a)}\n`);
      break;
    case '-deleteSnapshot':
      await fs.deleteSnapshot(sroot.path, a!);
      out(`Deleted snapshot ${a!} under ${sroot.shown}\n`);
      break;
    case '-renameSnapshot':
      await fs.renameSnapshot(sroot.path, a!, b!);
      out(`Renamed snapshot ${a!} to ${b!} under ${sroot.shown}\n`);
      break;
  }
}
