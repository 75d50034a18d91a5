/**
 * The trash in `hsec fs`, as FsShell's Delete.Rm and Delete.Expunge use it: `-rm` moves each path
 * to the user's trash when fs.trash.interval is above 0 (the NameNode's value first, as
 * Trash.moveToAppropriateTrash reads it) unless `-skipTrash`; what the trash does is printed on
 * stderr, where Hadoop's shell logs it ("Moved: '...' to trash at: ..."). `-expunge` deletes old
 * checkpoints and checkpoints Current (`-immediate`: deletes everything in the trash).
 */
import { FileError, HsecError } from '../../lib/errors/index.ts';
import { loadCliConfiguration } from './cli-configuration.ts';
import type { CliConfigArg } from './generic-options.ts';
import type { Operand } from './fs-operands.ts';
import { UsageError } from './usage.ts';
import { HdfsClient } from '../client/hdfs-client.ts';

export const TRASH_USAGES = {
  '-expunge': 'hsec fs -expunge [-immediate] [-fs <path>]',
} as const;

/** Rm.moveToTrash: true when the path went to the trash; a failure tells the user about -skipTrash. */
export async function moveToTrash(fs: HdfsClient, item: Operand, log: (line: string) => void): Promise<boolean> {
  try {
    return (await fs.moveToTrash(item.path, { log: (line) => log(`${line}\n`) })) !== undefined;
  } catch (e) {
    if (!(e instanceof HsecError) || e.code === 'FILE_NOT_FOUND') throw e;
    throw new FileError('FILE_IO', `${e.message}. Consider using -skipTrash option`, { path: item.path, messageOnly: true }, { cause: e });
  }
}

/** Splits Rm's `-skipTrash` (a long option, in any place before the first operand) off the arguments. */
export function takeSkipTrash(args: readonly string[]): { skipTrash: boolean; rest: string[] } {
  const firstOperand = args.findIndex((a) => !a.startsWith('-') || a === '-');
  const options = firstOperand < 0 ? args : args.slice(0, firstOperand);
  const rest = [...options.filter((a) => a !== '-skipTrash'), ...(firstOperand < 0 ? [] : args.slice(firstOperand))];
  return { skipTrash: rest.length < args.length, rest };
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
