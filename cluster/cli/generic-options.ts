/**
 * Hadoop's generic options for every `hsec` subcommand (GenericOptionsParser): `--conf DIR` (Hadoop's
 * `--config`; default $HADOOP_CONF_DIR) and `-D key=value` (repeatable; also `-Dkey=value`), which
 * set a property after the site files are read, overriding even `final` ones, as Hadoop's
 * GenericOptionsParser does (`conf.set(key, value, "command line")`). They may appear before or after
 * the subcommand name (`hsec -D k=v fetchdt F` or `hsec fetchdt -D k=v F`). Subcommands turn them
 * into a Configuration with `loadCliConfiguration`.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { loadConfiguration, type Configuration } from '../../lib/config/index.ts';

/** Where a subcommand's configuration comes from: a conf dir and `-D` overrides. */
export interface CliConfigSource {
  /** Configuration directory (`--conf`); default $HADOOP_CONF_DIR of the environment. */
  readonly confDir?: string;
  /** `-D key=value` properties, applied last. */
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

/** Adds the generic options to the program (global: visible to every subcommand through optsWithGlobals). */
export function addGenericOptions(program: Command): Command {
  return program
    .option('--conf <dir>', 'configuration directory holding core-site.xml and hdfs-site.xml (default: $HADOOP_CONF_DIR)', process.env.HADOOP_CONF_DIR)
    .option('-D, --define <key=value>', 'set a configuration property, overriding the site files (repeatable)', parseDefine);
}

/** The configuration source of a subcommand's invocation (its own and its parents' options). */
export function cliConfigSource(command: Command): CliConfigSource {
  const { conf, define } = command.optsWithGlobals<{ conf?: string; define?: Record<string, string> }>();
  return { ...(conf !== undefined ? { confDir: conf } : {}), ...(define ? { overrides: define } : {}) };
}

/** Normalizes the first argument of the run* functions. */
export function toConfigSource(arg: CliConfigArg): CliConfigSource {
  return typeof arg === 'string' ? { confDir: arg } : (arg ?? {});
}

/**
 * Defaults + site files of `source.confDir` (else HADOOP_CONF_DIR of `env`) + the `-D` overrides +
 * `extra` (what the subcommand's own arguments name, e.g. dtutil get's NameNode URL), validated and frozen.
 */
export function loadCliConfiguration(source: CliConfigArg, env: NodeJS.ProcessEnv = process.env, extra: Readonly<Record<string, string>> = {}): Configuration {
  const { confDir, overrides } = toConfigSource(source);
  return loadConfiguration({ ...(confDir !== undefined ? { confDir } : {}), env, overrides: { ...(overrides ?? {}), ...extra } });
}
