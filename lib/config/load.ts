/**
 * Builds the configuration a daemon or CLI runs with: declared defaults, then the site files of the
 * configuration directory in Hadoop's order (core-site.xml as `Configuration` loads it, hdfs-site.xml
 * as `HdfsConfiguration` adds it, then hadoop-policy.xml as the service-authorization manager layers it),
 * whichever exist, then extra resource files (GenericOptionsParser's `-conf FILE`), then `-D` style
 * overrides. The directory comes from the option (CLI `--config DIR`), else `HADOOP_CONF_DIR`, else
 * `defaultConfDir` when it exists (the CLI and clients pass /etc/hadoop/conf, where packaged Hadoop
 * keeps it), else none (defaults only). A named directory that does not exist is ConfigError
 * CONFIG_MISSING saying where the name came from. Nothing here runs at module load.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../errors/index.ts';
import { Configuration, type ConfigurationOptions } from './configuration.ts';

/** Site files in the order Hadoop layers them. */
export const SITE_FILES = ['core-site.xml', 'hdfs-site.xml', 'hadoop-policy.xml'] as const;

/** The `source()` label of values from `overrides`. */
export const OVERRIDES_SOURCE = 'command line';

/** Where packaged Hadoop (Bigtop, distributions) keeps its client configuration. */
export const DEFAULT_CONF_DIR = '/etc/hadoop/conf';

export interface LoadConfigurationOptions extends ConfigurationOptions {
  /** Configuration directory (CLI `--config`); default `HADOOP_CONF_DIR` from `env`. */
  readonly confDir?: string;
  /** What named `confDir`, for errors (default `--config`). */
  readonly confDirSource?: string;
  /** Used when neither `confDir` nor HADOOP_CONF_DIR is set and it exists (e.g. DEFAULT_CONF_DIR). */
  readonly defaultConfDir?: string;
  /** Extra resource files read after the site files (GenericOptionsParser `-conf FILE`); each must exist. */
  readonly resources?: readonly string[];
  /** Values applied last, like Hadoop's `-D key=value` (they override final properties too). */
  readonly overrides?: Readonly<Record<string, string>>;
  /** Validate and freeze the result (default true). */
  readonly freeze?: boolean;
}

/** Loads defaults + site files + overrides; returns a frozen, validated Configuration by default. */
export function loadConfiguration(options: LoadConfigurationOptions = {}): Configuration {
  const env = options.env ?? process.env;
  const conf = new Configuration({ ...options, env });
  const { dir, from } = confDirOf(options, env);
  if (dir !== undefined) {
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      throw new ConfigError('CONFIG_MISSING', `Configuration directory ${dir} (from ${from}) does not exist or is not a directory`, {
        file: dir,
        source: from,
      });
    }
    for (const file of SITE_FILES) {
      const path = join(dir, file);
      if (existsSync(path)) conf.addResourceFile(path);
    }
  }
  for (const path of options.resources ?? []) {
    if (!existsSync(path) || !statSync(path).isFile()) {
      throw new ConfigError('CONFIG_MISSING', `Configuration file ${path} (from -conf) does not exist or is not a file`, { file: path, source: '-conf' });
    }
    conf.addResourceFile(path);
  }
  for (const [key, value] of Object.entries(options.overrides ?? {})) conf.set(key, value, OVERRIDES_SOURCE);
  return options.freeze === false ? conf : conf.freeze();
}

/** The configuration directory to read and what named it. */
function confDirOf(options: LoadConfigurationOptions, env: NodeJS.ProcessEnv): { dir?: string; from: string } {
  if (options.confDir !== undefined) return { dir: options.confDir, from: options.confDirSource ?? '--config' };
  if (env.HADOOP_CONF_DIR) return { dir: env.HADOOP_CONF_DIR, from: 'HADOOP_CONF_DIR' };
  if (options.defaultConfDir !== undefined && existsSync(options.defaultConfDir)) return { dir: options.defaultConfDir, from: 'the default location' };
  return { from: 'none' };
}
