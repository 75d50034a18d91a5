/**
 * The `hsec` command line: one commander program, one module per subcommand in ./commands, each
 * exporting `register(program: Command): void`. A command run loads only its own module (the
 * table below), so `hsec klist` does not pay for the NameNode's imports; `hsec --help` and unknown
 * commands load them all. This file also declares the global options, sets up logging (stderr;
 * commands log warnings, daemons info; HSEC_LOG_LEVEL / HSEC_LOG_FORMAT override) and turns errors
 * into exit codes. A subcommand reads global options with `command.optsWithGlobals()`. Modelled on
 * Hadoop's `hadoop`/`hdfs` launchers and their generic options.
 */
import { Command, CommanderError } from 'commander';
import { HsecError } from '../../lib/errors/index.ts';
import { configureLogging, getLogger, levelFromEnv, type LogLevel } from '../../lib/log/logger.ts';
import { preferBulkDataGc } from '../../lib/runtime/bulk-data-gc.ts';
import { addGenericOptions, normalizeGenericArgs } from './generic-options.ts';
import { UsageError } from './usage.ts';
import { hsecVersion } from './version.ts';

type CommandModule = { register(program: Command): void };

/**
 * Every subcommand, in help order, with the log level it runs at by default. `bulkData`: the
 * command moves file data, so its process runs with V8's incremental marking off
 * (lib/runtime/bulk-data-gc.ts; not the NameNode, whose heap holds the namespace).
 */
const COMMANDS: ReadonlyArray<{ name: string; level: LogLevel; bulkData?: true; load: () => Promise<CommandModule> }> = [
  { name: 'start', level: 'info', bulkData: true, load: () => import('./commands/start.ts') },
  { name: 'kinit', level: 'warn', load: () => import('./commands/kinit.ts') },
  { name: 'klist', level: 'warn', load: () => import('./commands/klist.ts') },
  { name: 'kdiag', level: 'warn', load: () => import('./commands/kdiag.ts') },
  { name: 'kdestroy', level: 'warn', load: () => import('./commands/kdestroy.ts') },
  { name: 'namenode', level: 'info', load: () => import('./commands/namenode.ts') },
  { name: 'datanode', level: 'info', bulkData: true, load: () => import('./commands/datanode.ts') },
  { name: 'fetchdt', level: 'warn', load: () => import('./commands/fetchdt.ts') },
  { name: 'dtutil', level: 'warn', load: () => import('./commands/dtutil.ts') },
  { name: 'fs', level: 'warn', bulkData: true, load: () => import('./commands/fs.ts') },
  { name: 'dfsadmin', level: 'warn', load: () => import('./commands/dfsadmin.ts') },
  { name: 'storagepolicies', level: 'warn', load: () => import('./commands/storagepolicies.ts') },
  { name: 'cacheadmin', level: 'warn', load: () => import('./commands/cacheadmin.ts') },
  { name: 'lsSnapshottableDir', level: 'warn', load: async () => (await import('./commands/snapshot.ts')).lsSnapshottableDirCommand },
  { name: 'lsSnapshot', level: 'warn', load: async () => (await import('./commands/snapshot.ts')).lsSnapshotCommand },
  { name: 'snapshotDiff', level: 'warn', load: async () => (await import('./commands/snapshot.ts')).snapshotDiffCommand },
  { name: 'debug', level: 'warn', load: () => import('./commands/debug.ts') },
  { name: 'policy', level: 'warn', load: () => import('./commands/policy.ts') },
  { name: 'version', level: 'warn', load: () => import('./commands/version.ts') },
];

/** Global options that take a value (so the value is not mistaken for the subcommand name). */
const VALUE_OPTIONS = new Set(['--config', '--conf', '--conf-file', '-D', '--define', '--fs']);

/** The subcommand named in `args` (the words after `hsec`), if any. */
export function commandName(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (VALUE_OPTIONS.has(a)) i++;
    else if (!a.startsWith('-')) return a;
  }
  return undefined;
}

function newProgram(): Command {
  return addGenericOptions(new Command('hsec').description('Kerberos-secured, Hadoop-compatible security layer: KDC clients, tokens, secure daemons'))
    .version(hsecVersion(), '--version', 'print the hsec version')
    .showHelpAfterError("(hsec --help lists the commands and options, hsec COMMAND --help a command's)")
    .exitOverride();
}

/** The program with every subcommand registered (help, tests). */
export async function buildProgram(): Promise<Command> {
  const program = newProgram();
  for (const c of COMMANDS) (await c.load()).register(program);
  return program;
}

/** Runs the CLI and resolves to the process exit code (0 ok, 1 failure, 2 usage error). */
export async function main(argv: readonly string[] = process.argv): Promise<number> {
  const args = normalizeGenericArgs(argv.slice(2));
  const name = commandName(args);
  const known = COMMANDS.find((c) => c.name === name);
  if (known?.level === 'info') keepServingWhenStdoutCloses(process.stdout);
  else stopWhenStdoutCloses(process.stdout);
  try {
    configureLogging({ level: levelFromEnv() ?? known?.level ?? 'warn' });
    if (known?.bulkData) {
      const gc = preferBulkDataGc();
      getLogger('cli').info({ command: name, incrementalMarking: gc === 'off' ? 'off' : 'as on the node command line' }, 'V8 garbage collection for bulk data');
    }
    let program: Command;
    if (known) {
      program = newProgram();
      (await known.load()).register(program);
    } else {
      program = await buildProgram();
    }
    await program.parseAsync([...argv.slice(0, 2), ...args]);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    return reportError(e);
  }
}

/**
 * `hsec fs -ls -R / | head`: once the reader of stdout has gone (EPIPE), a command stops quietly
 * with exit 0, as Hadoop's commands do (their PrintStream swallows the error), instead of dying on
 * an unhandled 'error' event with a stack. Only stdout's own errors come here: an EPIPE from a
 * socket to a NameNode or DataNode is the command's failure, reported as such. Daemons (the
 * info-level commands) take the path below instead.
 */
export function stopWhenStdoutCloses(stdout: NodeJS.WriteStream, exit: (code: number) => void = (code) => process.exit(code)): void {
  stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') return exit(0);
    process.stderr.write(`hsec: cannot write to standard output: ${e.message}\n`);
    exit(1);
  });
}

/**
 * `hsec start | head -1`: a daemon's stdout is its banner, and a reader that has gone must not stop
 * it. Without a listener, Node turns stdout's EPIPE into an uncaught exception that kills the
 * daemon; here it is logged once (stderr) and the daemon goes on serving.
 */
export function keepServingWhenStdoutCloses(stdout: NodeJS.WriteStream): void {
  let logged = false;
  stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (logged) return;
    logged = true;
    getLogger('cli').warn({ code: e.code, err: e.message }, 'standard output is closed; the banner and further output to it are dropped, the daemon goes on');
  });
}

function reportError(e: unknown): number {
  if (e instanceof CommanderError) {
    // commander already printed help or the usage error.
    return e.exitCode === 0 ? 0 : 2;
  }
  if (e instanceof UsageError) {
    process.stderr.write(`hsec: ${e.message}\nUsage: ${e.usage}\n`);
    return 2;
  }
  if (e instanceof HsecError) {
    process.stderr.write(`hsec: ${e.message} [${e.code}]\n`);
    return 1;
  }
  process.stderr.write(`hsec: unexpected error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  return 1;
}
