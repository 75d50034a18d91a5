/**
 * Builds the configuration a daemon or CLI runs with: declared defaults, then the site files of the
 * configuration directory in Hadoop's order (core-site.xml as `Configuration` loads it, hdfs-site.xml
 * as `HdfsConfiguration` adds it, then hadoop-policy.xml as the service-authorization manager layers it),
 * whichever exist, then `-D` style overrides. The directory comes from the option (CLI `--conf DIR`),
 * else `HADOOP_CONF_DIR`, else none (defaults only). An explicitly named directory that does not exist
 * is ConfigError CONFIG_MISSING. Nothing here runs at module load.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../errors/index.ts';
import { Configuration, type ConfigurationOptions } from './configuration.ts';

/** Site files in the order Hadoop layers them. */
export const SITE_FILES = ['core-site.xml', 'hdfs-site.xml', 'hadoop-policy.xml'] as const;

/** The `source()` label of values from `overrides`. */
export const OVERRIDES_SOURCE = 'command line';

export interface LoadConfigurationOptions extends ConfigurationOptions {
  /** Configuration directory (CLI `--conf`); default `HADOOP_CONF_DIR` from `env`. */
  readonly confDir?: string;
  /** Values applied last, like Hadoop's `-D key=value` (they override final properties too). */
  readonly overrides?: Readonly<Record<string, string>>;
  /** Validate and freeze the result (default true). */
  readonly freeze?: boolean;
}

/** Loads defaults + site files + overrides; returns a frozen, validated Configuration by default. */
export function loadConfiguration(options: LoadConfigurationOptions = {}): Configuration {
  const env = options.env ?? process.env;
  const conf = new Configuration({ ...options, env });
  const dir = options.confDir ?? (env.HADOOP_CONF_DIR || undefined);
  if (dir !== undefined) {
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      const from = options.confDir !== undefined ? '--conf' : 'HADOOP_CONF_DIR';
      throw new ConfigError('CONFIG_MISSING', `Configuration directory ${dir} (from ${from}) does not exist or is not a directory`, {
        file: dir,
      });
    }
    for (const file of SITE_FILES) {
      const path = join(dir, file);
      if (existsSync(path)) conf.addResourceFile(path);
    }
  }
  for (const [key, value] of Object.entries(options.overrides ?? {})) conf.set(key, value, OVERRIDES_SOURCE);
  return options.freeze === false ? conf : conf.freeze();
}
