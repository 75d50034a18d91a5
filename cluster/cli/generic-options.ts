/**
 * Hadoop's generic options for every `hsec` subcommand, with the meanings operators know:
 * - `--config DIR` (the `hadoop`/`hdfs` launchers' flag; `--conf DIR` is accepted too): the
 *   configuration directory; default $HADOOP_CONF_DIR, else /etc/hadoop/conf when it exists;
 * - `-conf FILE` (GenericOptionsParser): one more resource file, read after the site files
 *   (repeatable);
 * - `-D key=value` (repeatable; also `-Dkey=value`): a property set after the files, overriding even
 *   `final` ones, as GenericOptionsParser's `conf.set(key, value, "command line")`;
 * - `-fs URI` (GenericOptionsParser): sets fs.defaultFS.
 * They may appear before or after the subcommand name. commander has no single-dash long options,
 * so `normalizeGenericArgs` spells `-conf` and `-fs` as `--conf-file` and `--fs` first (not for the
 * Kerberos commands, whose MIT flags bundle letters: `klist -fs` is `-f -s`). Subcommands turn them
 * into a Configuration with `loadCliConfiguration` (./cli-configuration.ts, kept apart so commands
 * that read no Hadoop configuration, such as klist, do not load it).
 */
import { InvalidArgumentError, type Command } from 'commander';

/** Where a subcommand's configuration comes from. */
export interface CliConfigSource {
  /** Configuration directory (`--config`); default $HADOOP_CONF_DIR, else /etc/hadoop/conf. */
  readonly confDir?: string;
  /** `-conf FILE` resources, in order. */
  readonly resources?: readonly string[];
  /** `-D key=value` (and `-fs`) properties, applied last. */
  readonly overrides?: Readonly<Record<string, string>>;
}

/** A conf dir (older callers) or a full source. */
export type CliConfigArg = string | CliConfigSource | undefined;

/** commander argument parser of one `-D key=value`, collecting into `previous` (a usage error, exit 2, without `=`). */
export function parseDefine(value: string, previous: Record<string, string> | undefined): Record<string, string> {
  const eq = value.indexOf('=');
  const key = eq > 0 ? value.slice(0, eq).trim() : '';
  if (!key) {
    throw new InvalidArgumentError(`-D needs key=value (Hadoop's generic option), got "${value}"`);
  }
  return { ...(previous ?? {}), [key]: value.slice(eq + 1) };
}

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

/** Subcommands with MIT-style bundled single-letter flags: their arguments are left alone. */
const MIT_COMMANDS = new Set(['kinit', 'klist', 'kdestroy']);

/** Rewrites GenericOptionsParser's single-dash `-conf` / `-fs` for commander (see the file comment). */
export function normalizeGenericArgs(args: readonly string[]): string[] {
  const command = args.find((a) => !a.startsWith('-'));
  if (command !== undefined && MIT_COMMANDS.has(command)) return [...args];
  return args.map((a) => (a === '-conf' ? '--conf-file' : a === '-fs' ? '--fs' : a));
}

/** Adds the generic options to the program (global: visible to every subcommand through optsWithGlobals). */
export function addGenericOptions(program: Command): Command {
  return program
    .option('--config <dir>', 'configuration directory holding core-site.xml and hdfs-site.xml (default: $HADOOP_CONF_DIR, else /etc/hadoop/conf)')
    .option('--conf <dir>', 'the same as --config')
    .option('--conf-file <file>', 'an extra configuration file, read after the site files (Hadoop: -conf FILE; repeatable)', collect)
    .option('-D, --define <key=value>', 'set a configuration property, overriding the site files (repeatable)', parseDefine)
    .option('--fs <uri>', 'the default file system, e.g. hdfs://nn:8020 (Hadoop: -fs URI)');
}

/** The configuration source of a subcommand's invocation (its own and its parents' options). */
export function cliConfigSource(command: Command): CliConfigSource {
  const o = command.optsWithGlobals<{ config?: string; conf?: string; confFile?: string[]; define?: Record<string, string>; fs?: string }>();
  const confDir = o.config ?? o.conf;
  const overrides = { ...(o.fs !== undefined ? { 'fs.defaultFS': o.fs } : {}), ...(o.define ?? {}) };
  return {
    ...(confDir !== undefined ? { confDir } : {}),
    ...(o.confFile ? { resources: o.confFile } : {}),
    ...(Object.keys(overrides).length > 0 ? { overrides } : {}),
  };
}

/** Normalizes the first argument of the run* functions. */
export function toConfigSource(arg: CliConfigArg): CliConfigSource {
  return typeof arg === 'string' ? { confDir: arg } : (arg ?? {});
}
