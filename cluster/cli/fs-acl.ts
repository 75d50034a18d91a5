/**
 * `hsec fs -getfacl [-R] <path>` and `-setfacl [-R] [{-b|-k} {-m|-x <acl_spec>} <path>]|[--set
 * <acl_spec> <path>]`, after Hadoop 3.4's AclCommands (GetfaclCommand, SetfaclCommand): the options
 * as its CommandFormat takes them (single letters and `--set`, before the first operand, not
 * bundled), processOptions' rules and HadoopIllegalArgumentException messages (FsShell prints them
 * with the usage and exits -1), and the output: `# file:`, `# owner:`, `# group:`, `# flags: --t`
 * for the sticky bit, then the access ACL and the default ACL (AclUtil.getAclFromPermAndEntries),
 * an entry the mask limits followed by `\t#effective:<perm>`, and an empty line. With -R each
 * directory is followed by its children; -setfacl -R gives a file only the access entries of the
 * spec (only directories may have a default ACL).
 */
import { HsecError } from '../../lib/errors/index.ts';
import type { FileStatus } from '../client/file-status.ts';
import type { HdfsClient } from '../client/hdfs-client.ts';
import {
  aclEntryString, aclFromPermAndEntries, effectivePermission, fsActionSymbol, isMinimalAcl, parseAclSpec,
  type AclEntry, type AclStatus,
} from '../protocol/acl-entry.ts';
import { shownChild, type Operand } from './fs-operands.ts';

export const ACL_USAGES: Readonly<Record<'-getfacl' | '-setfacl', string>> = {
  '-getfacl': 'hsec fs -getfacl [-R] <path>',
  '-setfacl': 'hsec fs -setfacl [-R] [{-b|-k} {-m|-x <acl_spec>} <path>]|[--set <acl_spec> <path>]',
};

/** HadoopIllegalArgumentException from processOptions: FsShell prints `-cmd: message`, the usage list and the command's usage, and exits -1. */
export class ShellArgumentError extends Error {}

export type SetfaclAction = 'b' | 'k' | 'm' | 'x' | '-set';

export interface AclCommand {
  recursive: boolean;
  path: string;
  /** -setfacl only */
  action?: SetfaclAction;
  /** the spec of -m, -x, --set */
  entries?: AclEntry[];
}

/** CommandFormat.parse with `names`: the options before the first operand (`-` and what follows `--` are operands); an unknown one is "Illegal option". */
function takeOptions(args: string[], names: readonly string[]): Set<string> {
  const set = new Set<string>();
  while (args.length > 0) {
    const arg = args[0]!;
    if (arg === '-' || !arg.startsWith('-')) break;
    args.shift();
    if (arg === '--') break;
    const opt = arg.slice(1);
    if (!names.includes(opt)) throw new ShellArgumentError(`Illegal option ${arg}`);
    set.add(opt);
  }
  return set;
}

/** GetfaclCommand.processOptions / SetfaclCommand.processOptions. */
export function parseAclCommand(verb: '-getfacl' | '-setfacl', argv: readonly string[]): AclCommand {
  const args = [...argv];
  if (verb === '-getfacl') {
    const opts = takeOptions(args, ['R']);
    if (args.length === 0) throw new ShellArgumentError('<path> is missing');
    if (args.length > 1) throw new ShellArgumentError('Too many arguments');
    return { recursive: opts.has('R'), path: args[0]! };
  }
  const opts = takeOptions(args, ['b', 'k', 'R', 'm', 'x', '-set']);
  const has = (o: string) => opts.has(o);
  const oneRemove = has('b') || has('k');
  const oneModify = has('m') || has('x');
  if ((has('b') && has('k')) || (has('m') && has('x')) || (oneRemove && oneModify) || (has('-set') && (oneRemove || oneModify))) {
    throw new ShellArgumentError('Specified flags contains both remove and modify flags');
  }
  let entries: AclEntry[] | undefined;
  if (oneModify || has('-set')) {
    if (args.length === 0) throw new ShellArgumentError('Missing arguments: <acl_spec> <path>');
    if (args.length < 2) throw new ShellArgumentError('Missing either <acl_spec> or <path>');
    try {
      entries = parseAclSpec(args.shift()!, !has('x'));
    } catch (e) {
      if (e instanceof HsecError) throw new ShellArgumentError(e.message); // AclEntry's HadoopIllegalArgumentException
      throw e;
    }
    if (entries.length === 0) throw new ShellArgumentError('Missing <acl_spec> entry');
  }
  if (args.length === 0) throw new ShellArgumentError('<path> is missing');
  if (args.length > 1) throw new ShellArgumentError('Too many arguments');
  const action = (['b', 'k', 'm', 'x', '-set'] as const).find(has);
  if (!action) throw new ShellArgumentError('Expected one of -b, -k, -m, -x or --set options');
  return { recursive: has('R'), path: args[0]!, action, ...(entries ? { entries } : {}) };
}

/** Runs one path's work and reports its failure (the shell's `each`). */
export type Each = (path: string, fn: () => Promise<void>) => Promise<void>;

/** Command.processPaths: each operand, then with -R its children (a failed path is reported and not descended into). */
export async function runAclCommand(fs: HdfsClient, command: AclCommand, items: readonly Operand[], out: (s: string) => void, each: Each): Promise<void> {
  const visit = async (shown: string, path: string, known: FileStatus | undefined): Promise<void> => {
    let status: FileStatus | undefined;
    await each(shown, async () => {
      const st = known ?? (await fs.stat(path));
      if (command.action) await setfacl(fs, command, st);
      else out(await getfacl(fs, shown, st));
      status = st;
    });
    if (!status || !command.recursive || status.type !== 'directory') return;
    let children: FileStatus[] = [];
    await each(shown, async () => {
      children = await fs.list(status!.path);
    });
    for (const c of children) await visit(shownChild(shown, c.path.slice(c.path.lastIndexOf('/') + 1)), c.path, c);
  };
  for (const item of items) await visit(item.shown, item.path, item.status);
}

/** GetfaclCommand.processPath: the lines for one path. */
export async function getfacl(fs: HdfsClient, shown: string, st: FileStatus): Promise<string> {
  const lines = [`# file: ${shown}`, `# owner: ${st.owner}`, `# group: ${st.group}`];
  if (st.permission & 0o1000) lines.push(`# flags: --${st.permission & 1 ? 't' : 'T'}`);
  const status = st.hasAcl ? await fs.getAclStatus(st.path) : undefined;
  const acl = aclFromPermAndEntries(st.permission, status?.entries ?? []);
  for (const scope of ['ACCESS', 'DEFAULT'] as const) lines.push(...scopeLines(acl.filter((e) => e.scope === scope), status, st.permission));
  return `${lines.join('\n')}\n\n`;
}

/** printAclEntriesForSingleScope / printExtendedAclEntry. */
function scopeLines(entries: readonly AclEntry[], status: AclStatus | undefined, mode: number): string[] {
  if (entries.length === 0) return [];
  if (isMinimalAcl(entries) || !status) return entries.map(aclEntryString);
  return entries.map((e) => {
    if (e.name === undefined && e.type !== 'GROUP') return aclEntryString(e);
    const effective = effectivePermission(status, e, mode);
    return effective === e.permission ? aclEntryString(e) : `${aclEntryString(e)}\t#effective:${fsActionSymbol(effective)}`;
  });
}

/** SetfaclCommand.processPath: one call for the path (with -R a file gets only the spec's access entries; an empty list sends nothing). */
async function setfacl(fs: HdfsClient, command: AclCommand, st: FileStatus): Promise<void> {
  if (command.action === 'b') return fs.removeAcl(st.path);
  if (command.action === 'k') return fs.removeDefaultAcl(st.path);
  const all = command.entries ?? [];
  const entries = command.recursive && st.type !== 'directory' ? all.filter((e) => e.scope === 'ACCESS') : all;
  if (entries.length === 0) return;
  if (command.action === 'm') await fs.modifyAclEntries(st.path, entries);
  else if (command.action === 'x') await fs.removeAclEntries(st.path, entries);
  else await fs.setAcl(st.path, entries);
}
