/**
 * `hsec fs -find <path> ... <expression> ...`, as FsShell's Find (org.apache.hadoop.fs.shell.find,
 * Hadoop 3.4) with the expressions it registers: `-name pattern` and `-iname pattern` (the last
 * component matched with GlobPattern, -iname in lower case), `-print` and `-print0` (the path and
 * a newline or a NUL), `-a` / `-and`, and `( ... )`. Arguments up to the first that starts with `-`
 * are paths (globs; `.` when there are none; so a `(` there is a path, as in Hadoop); the rest is the
 * expression. Primaries side by side are
 * joined by an implicit -a, evaluated left to right, stopping at the first that fails; an
 * expression without -print or -print0 gets one at its end (Find.processOptions). Each path is
 * tested, then everything under it, depth first in listing order, printed as the argument was
 * written (relative stays relative). `-L` and `-H` (follow symbolic links) are accepted; HDFS as
 * hsec serves it has no symbolic links.
 */
import { FileSystemError } from '../../lib/errors/index.ts';
import { GlobPattern, GlobSyntaxError } from '../../lib/text/glob-pattern.ts';
import type { HdfsClient } from '../client/hdfs-client.ts';
import { existingStatus, pathNotFound, shownChild, type Operand } from './fs-operands.ts';
import { UsageError } from './usage.ts';

export const FIND_USAGE = 'hsec fs -find <path> ... <expression> ...';

/** A parsed expression: true when the path passes (and any action ran). */
type Expression = (shown: string) => boolean;

interface Parsed {
  readonly test: Expression;
  /** Whether the expression prints (Expression.isAction): if not, Find appends -print. */
  readonly isAction: boolean;
}

/** Find.processOptions: leading -L / -H, the paths, then the expression (with -print appended when it has no action). */
export function parseFind(args: readonly string[], out: (s: string) => void): { paths: string[]; test: Expression } {
  let i = 0;
  while (i < args.length && (args[i] === '-L' || args[i] === '-H')) i++;
  if (args[i] === '--') i++;
  else if (i < args.length && args[i]!.startsWith('-') && args[i] !== '-') throw new UsageError(`-find: Illegal option ${args[i]}`, FIND_USAGE); // CommandFormat before any path
  if (i >= args.length) throw new UsageError('-find: Not enough arguments: expected 1 but got 0', FIND_USAGE);
  const paths: string[] = [];
  for (; i < args.length && !args[i]!.startsWith('-'); i++) paths.push(args[i]!);
  const tokens = args.slice(i);
  const parsed = parseExpression(tokens, out);
  const print = printer('\n', out);
  const test: Expression = parsed.isAction ? parsed.test : (shown) => parsed.test(shown) && print(shown);
  return { paths: paths.length > 0 ? paths : ['.'], test };
}

/** Find.parseExpression over the tokens (consumed): primaries and -a left to right, `(` recursing, `)` ending a group. */
function parseExpression(tokens: string[], out: (s: string) => void): Parsed {
  const parts: Parsed[] = [];
  let afterOperator = false;
  while (tokens.length > 0) {
    const token = tokens.shift()!;
    if (token === '(') {
      parts.push(parseExpression(tokens, out));
      afterOperator = false;
    } else if (token === ')') break;
    else if (token === '-a' || token === '-and') {
      if (parts.length === 0 || afterOperator) throw new UsageError(`-find: ${token} needs an expression on each side`, FIND_USAGE);
      afterOperator = true;
    } else if (token === '-name' || token === '-iname') {
      const pattern = tokens.shift();
      if (pattern === undefined) throw new UsageError(`-find: ${token} needs a pattern`, FIND_USAGE);
      parts.push({ test: nameTest(pattern, token === '-name'), isAction: false });
      afterOperator = false;
    } else if (token === '-print' || token === '-print0') {
      parts.push({ test: printer(token === '-print' ? '\n' : '\0', out), isAction: true });
      afterOperator = false;
    } else throw new FileSystemError('FS_INVALID_ARGUMENT', `Unexpected argument: ${token}`, { argument: token, messageOnly: true });
  }
  if (afterOperator) throw new UsageError('-find: -a needs an expression on each side', FIND_USAGE);
  // an empty expression is -print (Find.parseExpression)
  if (parts.length === 0) return { test: printer('\n', out), isAction: true };
  return { test: (shown) => parts.every((p) => p.test(shown)), isAction: parts.some((p) => p.isAction) };
}

/** Print and Print0: always true, the path written with its terminator. */
function printer(suffix: string, out: (s: string) => void): Expression {
  return (shown) => {
    out(`${shown}${suffix}`);
    return true;
  };
}

/** Name (case-sensitive) and Iname: the path's last component against the pattern (both in lower case for -iname). */
function nameTest(pattern: string, caseSensitive: boolean): Expression {
  let glob: GlobPattern;
  try {
    glob = GlobPattern.compile(caseSensitive ? pattern : pattern.toLowerCase());
  } catch (e) {
    if (!(e instanceof GlobSyntaxError)) throw e;
    throw new UsageError(`-find: ${e.message}`, FIND_USAGE);
  }
  return (shown) => {
    const name = lastComponent(shown);
    return glob.matches(caseSensitive ? name : name.toLowerCase());
  };
}

/** Path.getName of the path as printed: its last component (`` for the root). */
function lastComponent(shown: string): string {
  const trimmed = shown.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '').replace(/\/+$/, '');
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

type Each = (path: string, fn: () => Promise<void>) => Promise<void>;

/** Find over the expanded path arguments: each tested, then (a directory) everything under it, a failure reported and the walk going on. */
export async function find(fs: HdfsClient, operands: readonly Operand[], test: Expression, each: Each): Promise<void> {
  const visit = async (shown: string, path: string, isDirectory: boolean): Promise<void> => {
    test(shown);
    if (!isDirectory) return;
    for (const child of await fs.list(path)) {
      const childShown = shownChild(shown, child.path.slice(child.path.lastIndexOf('/') + 1));
      await each(childShown, () => visit(childShown, child.path, child.type === 'directory'));
    }
  };
  for (const item of operands) {
    await each(item.shown, async () => {
      const status = await existingStatus(fs, item);
      if (!status) throw pathNotFound(item.shown);
      await visit(item.shown, status.path, status.type === 'directory');
    });
  }
}
