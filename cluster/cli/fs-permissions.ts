/**
 * `hsec fs -chmod`, `-chown` and `-chgrp`, after Hadoop's FsShellPermissions (Chmod, Chown, Chgrp)
 * and the FsShell Command machinery they run in: the options (`-R` only; -chmod leaves other dashed
 * words as operands, so `-chmod -w f` is the mode `-w`), the argument patterns and their messages,
 * one call per path only when it changes something (Chmod compares the new mode, Chown the owner
 * and group), `-R` going depth-first into directories after changing them, and a failed path
 * reported as `chmod: changing permissions of 'p': <NameNode's message>` while the others go on.
 */
import { HsecError } from '../../lib/errors/index.ts';
import type { FileStatus } from '../client/file-status.ts';
import type { HdfsClient } from '../client/hdfs-client.ts';
import { chmodResult, parseChmod, type PermissionChange } from '../client/permission-parser.ts';
import type { Operand } from './fs-operands.ts';
import { UsageError } from './usage.ts';

export type AttributeVerb = '-chmod' | '-chown' | '-chgrp';

/** The usage lines, as FsShell prints `hadoop fs -usage`. */
export const ATTRIBUTE_USAGES: Readonly<Record<AttributeVerb, string>> = {
  '-chmod': 'hsec fs -chmod [-R] <MODE[,MODE]... | OCTALMODE> PATH...',
  '-chown': 'hsec fs -chown [-R] [OWNER][:[GROUP]] PATH...',
  '-chgrp': 'hsec fs -chgrp [-R] GROUP PATH...',
};

/** What the command sets on each path. */
export type AttributeChange =
  | { kind: 'mode'; change: PermissionChange }
  /** undefined = leave as it is */
  | { kind: 'owner'; owner: string | undefined; group: string | undefined };

export interface AttributeCommand {
  change: AttributeChange;
  recursive: boolean;
  paths: string[];
}

/** FsShellPermissions.allowedChars (not Windows): the letters of a user or group name. */
const NAME = '[-_./@a-zA-Z0-9]';
/** Java's \s */
const S = '[ \\t\\n\\x0B\\f\\r]';
const CHOWN_PATTERN = new RegExp(`^${S}*(${NAME}+)?([:](${NAME}*))?${S}*$`);
const CHGRP_PATTERN = new RegExp(`^${S}*(${NAME}+)${S}*$`);

/**
 * CommandFormat(2, MAX, "R"[, null]).parse plus the command's processOptions: a UsageError with
 * FsShell's message for an unknown option, too few arguments or an argument that does not parse.
 */
export function parseAttributeCommand(verb: AttributeVerb, args: readonly string[]): AttributeCommand {
  const usage = ATTRIBUTE_USAGES[verb];
  const refuse = (message: string) => new UsageError(`${verb}: ${message}`, usage);
  const rest = [...args];
  let recursive = false;
  for (let pos = 0; pos < rest.length;) {
    const arg = rest[pos]!;
    if (!arg.startsWith('-') || arg === '-') break;
    if (arg === '--') {
      rest.splice(pos, 1);
      break;
    }
    if (arg === '-R') {
      rest.splice(pos, 1);
      recursive = true;
    } else if (verb === '-chmod') {
      pos++; // Chmod ignores unknown options: they are modes such as -w
    } else {
      throw refuse(`Illegal option ${arg}`);
    }
  }
  if (rest.length < 2) throw refuse(`Not enough arguments: expected 2 but got ${rest.length}`);
  const [spec, ...paths] = rest as [string, ...string[]];
  return { change: parseChange(verb, spec, refuse), recursive, paths };
}

function parseChange(verb: AttributeVerb, spec: string, refuse: (message: string) => UsageError): AttributeChange {
  if (verb === '-chmod') {
    const change = parseChmod(spec);
    if (!change) throw refuse(`chmod : mode '${spec}' does not match the expected pattern.`);
    return { kind: 'mode', change };
  }
  if (verb === '-chgrp') {
    const m = CHGRP_PATTERN.exec(spec);
    if (!m) throw refuse(`'${spec}' does not match expected pattern for group`);
    return { kind: 'owner', owner: undefined, group: m[1] };
  }
  const m = CHOWN_PATTERN.exec(spec);
  if (!m) throw refuse(`'${spec}' does not match expected pattern for [owner][:group].`);
  const owner = m[1];
  const group = m[3] || undefined;
  if (owner === undefined && group === undefined) throw refuse(`'${spec}' does not specify owner or group.`);
  return { kind: 'owner', owner, group };
}

/** Reports one failed path or listing: `what` is FsShell's prefix ("changing permissions of 'p'"), if any. */
export type FailureSink = (what: string | undefined, error: HsecError) => void;

/**
 * Command.processPaths for one operand (a match of a path argument, ./fs-operands.ts): the change
 * on it (shown as given) and, with `recursive`, on everything below it. A missing path throws
 * (FsShell: "`arg': No such file or directory"); failures below it go to `fail` and the walk goes on.
 */
export async function changeAttributes(fs: HdfsClient, change: AttributeChange, operand: Operand, recursive: boolean, fail: FailureSink): Promise<void> {
  await visit(fs, change, operand.shown, operand.status ?? (await fs.stat(operand.path)), recursive, fail);
}

async function visit(fs: HdfsClient, change: AttributeChange, shown: string, status: FileStatus, recursive: boolean, fail: FailureSink): Promise<void> {
  try {
    await apply(fs, change, status);
  } catch (e) {
    if (!(e instanceof HsecError)) throw e;
    fail(`${change.kind === 'mode' ? 'changing permissions' : 'changing ownership'} of '${shown}'`, e);
    return;
  }
  if (!recursive || status.type !== 'directory') return;
  let children: FileStatus[];
  try {
    children = await fs.list(status.path);
  } catch (e) {
    if (!(e instanceof HsecError)) throw e;
    fail(undefined, e);
    return;
  }
  for (const child of children) {
    const name = child.path.slice(child.path.lastIndexOf('/') + 1);
    await visit(fs, change, shown.endsWith('/') ? `${shown}${name}` : `${shown}/${name}`, child, recursive, fail);
  }
}

/** Chmod.processPath / Chown.processPath: one call, only when it would change something. */
async function apply(fs: HdfsClient, change: AttributeChange, status: FileStatus): Promise<void> {
  if (change.kind === 'mode') {
    const mode = chmodResult(change.change, status.permission, status.type === 'directory');
    if (mode !== (status.permission & 0o1777)) await fs.chmod(status.path, mode);
    return;
  }
  const owner = change.owner === status.owner ? undefined : change.owner;
  const group = change.group === status.group ? undefined : change.group;
  if (owner !== undefined || group !== undefined) await fs.chown(status.path, owner, group);
}
