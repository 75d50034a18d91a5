/**
 * `hsec fs -rm`, `-rmdir` and `-expunge`, as FsShell's Delete.Rm, Delete.Rmdir and Delete.Expunge: `-rm` moves each path to
 * the user's trash when fs.trash.interval is above 0 (the NameNode's value first, as
 * Trash.moveToAppropriateTrash reads it) unless `-skipTrash`; what the trash does is printed on
 * stderr, where Hadoop's shell logs it ("Moved: '...' to trash at: ..."). `-safely` asks before
 * deleting (not moving to the trash) a directory of more than hadoop.shell.delete.limit.num.files
 * files, as Rm.canBeSafelyDeleted does with ToolRunner.confirmPrompt. `-expunge` deletes old
 * checkpoints and checkpoints Current (`-immediate`: deletes everything in the trash).
 */
import { createInterface } from 'node:readline';
import { FileError, HsecError } from '../../lib/errors/index.ts';
import { loadCliConfiguration } from './cli-configuration.ts';
import { existingStatus, pathError, pathNotFound, type Operand } from './fs-operands.ts';
import type { CliConfigArg } from './generic-options.ts';
import { UsageError } from './usage.ts';
import { HdfsClient } from '../client/hdfs-client.ts';

export const RM_USAGES = {
  '-rm': 'hsec fs -rm [-f] [-r|-R] [-skipTrash] [-safely] <src> ...',
  '-expunge': 'hsec fs -expunge [-immediate] [-fs <path>]',
} as const;

/** Rm's long options (CommandFormat takes them anywhere before the first operand) split off the arguments. */
export function takeRmOptions(args: readonly string[]): { skipTrash: boolean; safely: boolean; rest: string[] } {
  const firstOperand = args.findIndex((a) => !a.startsWith('-') || a === '-');
  const options = firstOperand < 0 ? args : args.slice(0, firstOperand);
  const rest = [...options.filter((a) => a !== '-skipTrash' && a !== '-safely'), ...(firstOperand < 0 ? [] : args.slice(firstOperand))];
  return { skipTrash: options.includes('-skipTrash'), safely: options.includes('-safely'), rest };
}

export interface RmContext {
  fs: HdfsClient;
  operands: string[];
  flags: Set<string>;
  skipTrash: boolean;
  safely: boolean;
  each: (path: string, fn: () => Promise<void>) => Promise<void>;
  expand: (args: readonly string[], ignoreMissing?: boolean) => Promise<Operand[]>;
  out: (s: string) => void;
  err: (s: string) => void;
  /** Where -safely reads its answers (default stdin). */
  stdin?: NodeJS.ReadableStream | undefined;
}

/** Delete.Rm: each match of each operand to the trash, else deleted ("Deleted <path>"). */
export async function rm(c: RmContext): Promise<void> {
  const recursive = c.flags.has('r') || c.flags.has('R');
  const answers = c.safely ? new Answers(c.stdin ?? process.stdin) : undefined;
  try {
    for (const item of await c.expand(c.operands, c.flags.has('f'))) {
      await c.each(item.shown, async () => {
        const status = await existingStatus(c.fs, item);
        if (!status) {
          if (c.flags.has('f')) return;
          throw new HsecError('FILE_NOT_FOUND', 'No such file or directory', { path: item.path });
        }
        if (status.type === 'directory' && !recursive) throw new HsecError('FILE_IO', 'Is a directory', { path: item.path });
        if (!c.skipTrash && (await moveToTrash(c.fs, item, c.err))) return;
        if (answers && !(await safeToDelete(c.fs, item, answers, c.err))) return;
        if (await c.fs.delete(item.path, { recursive: true })) c.out(`Deleted ${item.shown}\n`);
      });
    }
  } finally {
    answers?.close();
  }
}

/** Rm.moveToTrash: true when the path went to the trash; a failure tells the user about -skipTrash. */
async function moveToTrash(fs: HdfsClient, item: Operand, log: (line: string) => void): Promise<boolean> {
  try {
    return (await fs.moveToTrash(item.path, { log: (line) => log(`${line}\n`) })) !== undefined;
  } catch (e) {
    if (!(e instanceof HsecError) || e.code === 'FILE_NOT_FOUND') throw e;
    throw new FileError('FILE_IO', `${e.message}. Consider using -skipTrash option`, { path: item.path, messageOnly: true }, { cause: e });
  }
}

/** Rm.canBeSafelyDeleted: above hadoop.shell.delete.limit.num.files files (0 = no limit), ToolRunner.confirmPrompt asks. */
async function safeToDelete(fs: HdfsClient, item: Operand, answers: Answers, err: (s: string) => void): Promise<boolean> {
  const limit = fs.conf.getLong('hadoop.shell.delete.limit.num.files');
  if (limit <= 0) return true;
  const files = (await fs.contentSummary(item.path)).fileCount;
  if (files <= limit) return true;
  for (;;) {
    err(`Proceed deleting ${files} files? (Y or N) `);
    const answer = await answers.next();
    // confirmPrompt asks again at the end of input; here the end of input is a no, so a script never hangs
    if (answer === undefined || /^(n|no)$/i.test(answer)) {
      err('Delete aborted at user request.\n\n');
      return false;
    }
    if (/^(y|yes)$/i.test(answer)) return true;
    err(`Invalid input: ${answer}\n`);
  }
}

/** The lines typed on stdin, read as they are needed. */
class Answers {
  readonly #lines: AsyncIterator<string>;
  readonly #close: () => void;

  constructor(input: NodeJS.ReadableStream) {
    const rl = createInterface({ input, terminal: false, crlfDelay: Infinity });
    this.#lines = rl[Symbol.asyncIterator]();
    this.#close = () => rl.close();
  }

  async next(): Promise<string | undefined> {
    const r = await this.#lines.next();
    return r.done ? undefined : r.value;
  }

  close(): void {
    this.#close();
  }
}

/** Delete.Rmdir: an empty directory is removed; a non-empty one is an error unless --ignore-fail-on-non-empty. */
export async function rmdir(fs: HdfsClient, item: Operand, ignoreNonEmpty: boolean): Promise<void> {
  const status = await existingStatus(fs, item);
  if (!status) throw pathNotFound(item.shown);
  if (status.type !== 'directory') throw pathError(item.shown, 'Is not a directory');
  if ((await fs.list(item.path)).length > 0) {
    if (ignoreNonEmpty) return;
    throw pathError(item.shown, 'Directory is not empty');
  }
  if (!(await fs.delete(item.path))) throw pathError(item.shown, 'Input/output error');
}

/** Delete.Expunge: `[-immediate] [-fs <path>]`, no operands. */
export async function runExpunge(config: CliConfigArg, args: readonly string[], io: { err?: (s: string) => void; env?: NodeJS.ProcessEnv }, usage: string): Promise<number> {
  let immediate = false;
  let fsArgument: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-immediate') immediate = true;
    else if (a === '-fs') {
      fsArgument = args[++i];
      if (fsArgument === undefined) throw new UsageError('-expunge: Missing argument for option: fs', usage);
    } else if (a.startsWith('-')) throw new UsageError(`-expunge: Illegal option ${a}`, usage);
    else throw new UsageError(`-expunge: Too many arguments: expected 0 but got ${args.length - i}`, usage);
  }
  const err = io.err ?? ((s: string) => void process.stderr.write(s));
  const env = io.env ?? process.env;
  // Expunge sets fs.defaultFS to the -fs argument: the trash of that file system
  const fs = await HdfsClient.connect({ conf: loadCliConfiguration(config, env), env, ...(fsArgument ? { nameNode: fsArgument } : {}) });
  try {
    await fs.expungeTrash({ immediate, log: (line) => err(`${line}\n`) });
    return 0;
  } catch (e) {
    if (!(e instanceof HsecError)) throw e;
    err(`expunge: ${e.message}\n`);
    return 1;
  } finally {
    fs.close();
  }
}
