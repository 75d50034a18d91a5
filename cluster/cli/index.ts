/**
 * The `hsec` command line: builds one commander program from per-subcommand modules. Each module
 * in ./commands exports `register(program: Command): void` and adds its subcommand; this file only
 * imports and registers them (one import + one register line per subcommand), declares the global
 * options, and turns errors into exit codes. A subcommand reads global options with
 * `command.optsWithGlobals<GlobalOptions>()`. Modelled on Hadoop's `hadoop`/`hdfs` launchers and
 * their generic `--config DIR` option (here `--conf DIR`, default $HADOOP_CONF_DIR).
 */
import { Command, CommanderError } from 'commander';
import { HsecError } from '../../lib/errors/index.ts';
import { addGenericOptions } from './generic-options.ts';
import { register as registerStart } from './commands/start.ts';
import { register as registerKinit } from './commands/kinit.ts';
import { register as registerKlist } from './commands/klist.ts';
import { register as registerKdestroy } from './commands/kdestroy.ts';
import { register as registerNamenode } from './commands/namenode.ts';
import { register as registerFetchdt } from './commands/fetchdt.ts';
import { register as registerDtutil } from './commands/dtutil.ts';

/** Options every subcommand can read through `optsWithGlobals()`. */
export interface GlobalOptions {
  /** Hadoop-style configuration directory (core-site.xml, hdfs-site.xml, ...). */
  readonly conf?: string;
  /** `-D key=value` properties. */
  readonly define?: Readonly<Record<string, string>>;
}

/** The full program with every subcommand registered. */
export function buildProgram(): Command {
  const program = addGenericOptions(new Command('hsec').description('Kerberos-secured, Hadoop-compatible security layer: KDC clients, tokens, secure daemons'))
    .showHelpAfterError()
    .exitOverride();
  registerStart(program);
  registerKinit(program);
  registerKlist(program);
  registerKdestroy(program);
  registerNamenode(program);
  registerFetchdt(program);
  registerDtutil(program);
  return program;
}

/** Runs the CLI and resolves to the process exit code (0 ok, 1 failure, 2 usage error). */
export async function main(argv: readonly string[] = process.argv): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv]);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    return reportError(e);
  }
}

function reportError(e: unknown): number {
  if (e instanceof CommanderError) {
    // commander already printed help or the usage error.
    return e.exitCode === 0 ? 0 : 2;
  }
  if (e instanceof HsecError) {
    process.stderr.write(`hsec: ${e.message} [${e.code}]\n`);
    return 1;
  }
  process.stderr.write(`hsec: unexpected error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  return 1;
}
