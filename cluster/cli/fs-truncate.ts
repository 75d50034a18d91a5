/**
 * `hsec fs -truncate [-w] <length> <path> ...`, after Hadoop 3.4's FsShell Truncate command
 * (org.apache.hadoop.fs.shell.Truncate): every file the path arguments match is cut to <length>
 * bytes (ClientProtocol.truncate). A cut the NameNode finished at once prints "Truncated <path> to
 * length: N"; one left to block recovery prints "Truncating <path> to length: N. Wait for block
 * recovery to complete before further updating this file.", or with -w, once every path was
 * truncated, "Waiting for <path> ..." and, after polling the file's length every second until it
 * is <length> (Truncate.waitForRecovery, which waits without a bound), "Truncated <path> to length:
 * N". A directory is "`path': Is a directory"; a length past the file's is Truncate's
 * IllegalArgumentException, which stops the command, as a length that is not a Java long does
 * (after the warning "truncate: Illegal length, a non-negative integer expected").
 */
import type { HdfsClient } from '../client/hdfs-client.ts';
import { pathError, pathNotFound, type Operand } from './fs-operands.ts';
import { UsageError } from './usage.ts';

export const TRUNCATE_USAGE = 'hsec fs -truncate [-w] <length> <path> ...';
export const TRUNCATE_FLAGS = 'w';

/** Truncate.waitForRecovery's pause between looks at the file's length. */
export const TRUNCATE_WAIT_MS = 1000;

const JAVA_LONG_MAX = 2n ** 63n - 1n;

export interface TruncateContext {
  fs: HdfsClient;
  /** parseTruncateLength's */
  newLength: bigint;
  /** the path arguments */
  paths: string[];
  flags: Set<string>;
  each: (path: string, fn: () => Promise<void>) => Promise<void>;
  out: (s: string) => void;
  expand: (args: readonly string[]) => Promise<Operand[]>;
  /** ms between the -w looks (Truncate sleeps 1000 ms) */
  waitMs?: number;
}

/** Truncate.processOptions: CommandFormat(2, MAX, "w"), then Long.parseLong(<length>), which must not be negative. */
export function parseTruncateLength(operands: readonly string[], err: (s: string) => void): bigint {
  if (operands.length < 2) throw new UsageError(`-truncate: Not enough arguments: expected 2 but got ${operands.length}`, TRUNCATE_USAGE);
  const text = operands[0]!;
  // CommandFormat takes a leading "-x" for an option: "-1" is not a length but an unknown option
  if (/^-./.test(text)) throw new UsageError(`-truncate: Illegal option ${text}`, TRUNCATE_USAGE);
  const value = /^\+?\d+$/.test(text) ? BigInt(text) : undefined;
  if (value === undefined || value > JAVA_LONG_MAX) {
    err('truncate: Illegal length, a non-negative integer expected\n'); // displayWarning before the NumberFormatException
    throw new UsageError(`-truncate: For input string: "${text}"`, TRUNCATE_USAGE);
  }
  return value;
}

/** Truncate.processPath over every operand, then waitForRecovery with -w. */
export async function truncate({ fs, newLength, paths, flags, each, out, expand, waitMs = TRUNCATE_WAIT_MS }: TruncateContext): Promise<void> {
  const wait = flags.has('w');
  const waitList: Operand[] = [];
  for (const item of await expand(paths)) {
    await each(item.shown, async () => {
      if (!item.status && !(await fs.exists(item.path))) throw pathNotFound(item.shown);
      const stat = item.status ?? (await fs.stat(item.path));
      if (stat.type === 'directory') throw pathError(item.shown, 'Is a directory');
      if (newLength > BigInt(stat.length)) {
        throw new UsageError(`-truncate: Cannot truncate to a larger file size. Current size: ${stat.length}, truncate size: ${newLength}.`, TRUNCATE_USAGE);
      }
      if (await fs.truncate(item.path, Number(newLength))) out(`Truncated ${item.shown} to length: ${newLength}\n`);
      else if (wait) waitList.push(item);
      else out(`Truncating ${item.shown} to length: ${newLength}. Wait for block recovery to complete before further updating this file.\n`);
    });
  }
  for (const item of waitList) {
    await each(item.shown, async () => {
      out(`Waiting for ${item.shown} ...\n`);
      while (BigInt((await fs.stat(item.path)).length) !== newLength) await new Promise((resolve) => setTimeout(resolve, waitMs));
      out(`Truncated ${item.shown} to length: ${newLength}\n`);
    });
  }
}
