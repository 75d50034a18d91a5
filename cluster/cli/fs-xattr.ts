/**
 * `hsec fs -getfattr [-R] {-n name | -d} [-e en] <path>` and `-setfattr {-n name [-v value] | -x
 * name} <path>`, after Hadoop 3.4's XAttrCommands (GetfattrCommand, SetfattrCommand): options
 * taken as StringUtils.popOptionWithArgument / popOption take them (anywhere before a `--`, in
 * processOptions' order), HadoopIllegalArgumentException / IllegalArgumentException messages
 * (FsShell prints them with the usage and exits -1), values through XAttrCodec
 * (../protocol/xattr-codec.ts; a bad hex value is an IOException: `setfattr: <message>`, exit 1).
 *
 * Output per path: `# file: <path as shown>`, then `name=<encoded value>` or the bare name for an
 * empty value; -d lists the attributes in the order Java's HashMap iterates the map DFSClient
 * builds (XAttrHelper.buildXAttrMap), -n prints the name as given. With -R each directory is
 * followed by its children.
 */
import type { FileStatus } from '../client/file-status.ts';
import type { HdfsClient } from '../client/hdfs-client.ts';
import { decodeXAttrValue, encodeXAttrValue, XATTR_CODECS, type XAttrCodec } from '../protocol/xattr-codec.ts';
import { ShellArgumentError, type Each } from './fs-acl.ts';
import { shownChild, type Operand } from './fs-operands.ts';

export const XATTR_USAGES: Readonly<Record<'-getfattr' | '-setfattr', string>> = {
  '-getfattr': 'hsec fs -getfattr [-R] {-n name | -d} [-e en] <path>',
  '-setfattr': 'hsec fs -setfattr {-n name [-v value] | -x name} <path>',
};

export type XAttrShellCommand =
  | { verb: '-getfattr'; recursive: boolean; name?: string; dump: boolean; encoding: XAttrCodec; path: string }
  | { verb: '-setfattr'; name?: string; value?: Uint8Array; removeName?: string; path: string };

/** StringUtils.popOptionWithArgument: the first `name` before any `--` and the argument after it (both removed). */
function popOptionWithArgument(name: string, args: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--') return undefined;
    if (args[i] !== name) continue;
    if (i + 1 === args.length) throw new ShellArgumentError(`option ${name} requires 1 argument.`);
    return args.splice(i, 2)[1];
  }
  return undefined;
}

/** StringUtils.popOption. */
function popOption(name: string, args: string[]): boolean {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--') return false;
    if (args[i] === name) {
      args.splice(i, 1);
      return true;
    }
  }
  return false;
}

function onePath(args: readonly string[]): string {
  if (args.length === 0) throw new ShellArgumentError('<path> is missing.');
  if (args.length > 1) throw new ShellArgumentError('Too many arguments.');
  return args[0]!;
}

/**
 * GetfattrCommand.processOptions / SetfattrCommand.processOptions. ShellArgumentError for what
 * FsShell reports with the usage; -setfattr's value decoding throws XAttrCodec's IOException.
 */
export function parseXAttrCommand(verb: '-getfattr' | '-setfattr', argv: readonly string[]): XAttrShellCommand {
  const args = [...argv];
  if (verb === '-getfattr') {
    const name = popOptionWithArgument('-n', args);
    const en = popOptionWithArgument('-e', args);
    let encoding: XAttrCodec = 'TEXT';
    if (en !== undefined) {
      const codec = XATTR_CODECS.find((c) => c === en.toUpperCase());
      if (!codec) throw new ShellArgumentError(`Invalid/unsupported encoding option specified: ${en}`);
      encoding = codec;
    }
    const recursive = popOption('-R', args);
    const dump = popOption('-d', args);
    if (!dump && name === undefined) throw new ShellArgumentError("Must specify '-n name' or '-d' option.");
    return { verb, recursive, dump, encoding, path: onePath(args), ...(name !== undefined ? { name } : {}) };
  }
  const name = popOptionWithArgument('-n', args);
  const v = popOptionWithArgument('-v', args);
  const value = v === undefined ? undefined : decodeXAttrValue(v);
  const removeName = popOptionWithArgument('-x', args);
  if (name !== undefined && removeName !== undefined) throw new ShellArgumentError("Can not specify both '-n name' and '-x name' option.");
  if (name === undefined && removeName === undefined) throw new ShellArgumentError("Must specify '-n name' or '-x name' option.");
  return {
    verb, path: onePath(args),
    ...(name !== undefined ? { name } : {}), ...(value !== undefined ? { value } : {}), ...(removeName !== undefined ? { removeName } : {}),
  };
}

/** Command.processPaths: each operand, then with -getfattr -R its children (a failed path is reported and not descended into). */
export async function runXAttrCommand(fs: HdfsClient, command: XAttrShellCommand, items: readonly Operand[], out: (s: string) => void, each: Each): Promise<void> {
  const visit = async (shown: string, path: string, known: FileStatus | undefined): Promise<void> => {
    let status: FileStatus | undefined;
    await each(shown, async () => {
      const st = known ?? (await fs.stat(path));
      if (command.verb === '-setfattr') {
        if (command.name !== undefined) await fs.setXAttr(st.path, command.name, command.value);
        else await fs.removeXAttr(st.path, command.removeName!);
      } else {
        await getfattr(fs, command, shown, st.path, out);
      }
      status = st;
    });
    if (!status || command.verb !== '-getfattr' || !command.recursive || status.type !== 'directory') return;
    let children: FileStatus[] = [];
    await each(shown, async () => {
      children = await fs.list(status!.path);
    });
    for (const c of children) await visit(shownChild(shown, c.path.slice(c.path.lastIndexOf('/') + 1)), c.path, c);
  };
  for (const item of items) await visit(item.shown, item.path, item.status);
}

/** GetfattrCommand.processPath: the header first (printed even when the lookup then fails), then the attributes. */
async function getfattr(fs: HdfsClient, command: Extract<XAttrShellCommand, { verb: '-getfattr' }>, shown: string, path: string, out: (s: string) => void): Promise<void> {
  out(`# file: ${shown}\n`);
  const line = (name: string, value: Uint8Array) => out(value.length === 0 ? `${name}\n` : `${name}=${encodeXAttrValue(value, command.encoding)}\n`);
  if (command.dump) {
    const all = await fs.getXAttrs(path);
    for (const name of javaHashMapOrder([...all.keys()])) line(name, all.get(name)!);
  } else {
    line(command.name!, await fs.getXAttr(path, command.name!));
  }
}

/** String.hashCode: s[0]*31^(n-1) + ... over UTF-16 code units, as a Java int. */
function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

/**
 * The iteration order of a java.util.HashMap holding `keys` inserted in this order (default
 * capacity 16, load factor 0.75, doubled while size > 0.75 * capacity): by bucket, hash ^ (hash
 * >>> 16) masked by the capacity, and within a bucket by insertion (a resize keeps that order).
 * Buckets of 8 or more would become trees in Java; an inode has far fewer visible attributes.
 */
export function javaHashMapOrder(keys: readonly string[]): string[] {
  let capacity = 16;
  while (keys.length > capacity * 0.75) capacity *= 2;
  const bucket = (k: string) => {
    const h = javaStringHash(k);
    return ((h ^ (h >>> 16)) & (capacity - 1)) >>> 0;
  };
  return keys.map((k, i) => ({ k, i, b: bucket(k) })).sort((a, b) => a.b - b.b || a.i - b.i).map((e) => e.k);
}
