/**
 * Hadoop's AdminHelper (hadoop-hdfs tools/AdminHelper.java), which `hdfs storagepolicies` and `hdfs
 * cacheadmin` share: a table of commands each with a short and a long usage, `-help [command]`,
 * the usage listing, AdminHelper.prettifyException for failed calls, and the tool's run loop (an
 * IllegalArgumentException prints `SimpleClassName: first line` and exits -1, i.e. 255). "bin/hdfs"
 * in AdminHelper's usage line reads "hsec".
 */
import { HsecError } from '../../lib/errors/index.ts';
import { HdfsClient } from '../client/hdfs-client.ts';
import { loadCliConfiguration } from './cli-configuration.ts';
import { IllegalArgument } from './commands/dfsadmin.ts';
import type { CliIo } from './commands/fetchdt.ts';
import { optionTable } from './fs-help-format.ts';
import { GENERIC_OPTIONS } from './fs-help.ts';
import type { CliConfigArg } from './generic-options.ts';

/** The tool's `return -1`, as the JVM's System.exit(-1) leaves it. */
const ILLEGAL_ARGUMENT_EXIT = 255;

/** What a command runs with: the file system (connected on first use), stdout and stderr. */
export interface AdminContext {
  fs(): Promise<HdfsClient>;
  out(s: string): void;
  err(s: string): void;
}

export interface AdminCommand {
  readonly name: string;
  /** AdminHelper.Command.getShortUsage (ends with a newline). */
  readonly shortUsage: string;
  /** AdminHelper.Command.getLongUsage. */
  readonly longUsage: string;
  readonly run: (ctx: AdminContext, args: string[]) => Promise<number>;
}

/** An IllegalArgumentException of another Java class (NumberFormatException), named as prettifyException names it. */
export class JavaIllegalArgument extends IllegalArgument {
  constructor(readonly javaClass: 'IllegalArgumentException' | 'NumberFormatException', message: string) {
    super(message);
  }
}

/** AdminHelper.getOptionDescriptionListing: two columns, the second wrapped at 80, no header row. */
export function optionListing(rows: readonly (readonly [string, string])[]): string {
  return optionTable(rows).slice(1).map((l) => `${l}\n`).join('');
}

const simpleName = (cls: string): string => cls.slice(cls.lastIndexOf('.') + 1).replace(/^.*\$/, '');

/**
 * AdminHelper.prettifyException: `SimpleClassName: first line of the message`. A NameNode refusal
 * keeps its class only when DFSClient unwraps it (`unwrapped`), else it is a RemoteException with the
 * server's message; a local failure is named by the Java class it stands for, an IOException by default.
 */
export function prettifyException(e: unknown, unwrapped: readonly string[] = []): string {
  const details = e instanceof HsecError ? e.details : {};
  const cls = typeof details['exceptionClassName'] === 'string' ? details['exceptionClassName'] : undefined;
  const remote = typeof details['errorMsg'] === 'string' ? details['errorMsg'] : undefined;
  const message = remote ?? (e instanceof Error ? e.message : String(e));
  const name = remote !== undefined && cls !== undefined ? (unwrapped.includes(cls) ? simpleName(cls) : 'RemoteException') : cls !== undefined ? simpleName(cls) : 'IOException';
  return `${name}: ${message.split('\n')[0]}`;
}

const HELP_SHORT_USAGE = '[-help <command-name>]\n';
const HELP_LONG_USAGE = `${HELP_SHORT_USAGE}\nGet detailed help about a command.\n\n${optionListing([
  ['<command-name>', 'The command for which to get detailed help. If no command is specified, print detailed help for all commands'],
])}`;

/** AdminHelper.printUsage(false, tool, commands), then ToolRunner.printGenericCommandUsage. */
export function adminUsage(tool: string, commands: readonly AdminCommand[]): string {
  return `Usage: hsec ${tool} [COMMAND]\n${[...commands.map((c) => c.shortUsage), HELP_SHORT_USAGE].map((u) => `          ${u}`).join('')}\n${GENERIC_OPTIONS}`;
}

/** AdminHelper.HelpCommand.run (everything on stderr). */
function help(commands: readonly AdminCommand[], ctx: AdminContext, args: readonly string[]): number {
  if (args.length === 0) {
    ctx.err(commands.map((c) => `${c.longUsage}\n`).join(''));
    return 1;
  }
  if (args.length !== 1) {
    ctx.err('You must give exactly one argument to -help.\n');
    return 1;
  }
  const name = `-${args[0]}`;
  if (name === '-help') {
    ctx.err(HELP_LONG_USAGE);
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    ctx.err(`Unknown command '${args[0]}'.\nValid help command names are:\n${commands.map((c) => c.name.slice(1)).join(', ')}\n`);
    return 1;
  }
  ctx.err(command.longUsage);
  return 0;
}

/**
 * StoragePolicyAdmin.run / CacheAdmin.run: `config` a conf dir or the generic options; `argv` the
 * words after the tool's name.
 */
export async function runAdminTool(tool: string, commands: readonly AdminCommand[], config: CliConfigArg, argv: readonly string[], io: CliIo = {}): Promise<number> {
  const out = io.out ?? ((s: string) => void process.stdout.write(s));
  const err = io.err ?? ((s: string) => void process.stderr.write(s));
  const env = io.env ?? process.env;
  const [name, ...rest] = argv;
  if (name === undefined) {
    err(adminUsage(tool, commands));
    return 1;
  }
  let client: Promise<HdfsClient> | undefined;
  const ctx: AdminContext = { fs: () => (client ??= HdfsClient.connect({ conf: loadCliConfiguration(config, env), env })), out, err };
  try {
    if (name === '-help') return help(commands, ctx, rest);
    const command = commands.find((c) => c.name === name);
    if (!command) {
      err(`Can't understand command '${name}'\n${name.startsWith('-') ? '' : 'Command names must start with dashes.\n'}${adminUsage(tool, commands)}`);
      return 1;
    }
    return await command.run(ctx, [...rest]);
  } catch (e) {
    // the tool's catch (IllegalArgumentException): AdminHelper.prettifyException
    if (!(e instanceof IllegalArgument)) throw e;
    err(`${e instanceof JavaIllegalArgument ? e.javaClass : 'IllegalArgumentException'}: ${e.message.split('\n')[0]}\n`);
    return ILLEGAL_ARGUMENT_EXIT;
  } finally {
    if (client) await client.then((c) => c.close(), () => undefined);
  }
}
