/**
 * Builds the configuration a daemon or CLI runs with: declared defaults, then the site files of the
 * configuration directory in Hadoop's order (core-site.xml as `Configuration` loads it, hdfs-site.xml
 * as `HdfsConfiguration` adds it), whichever exist, then extra resource files (GenericOptionsParser's
 * `-conf FILE`), then `-D` style overrides. hadoop-policy.xml is not one of them: Hadoop 3.4.1 reads it
 * only into the copy its ServiceAuthorizationManager.refresh builds for the service ACLs
 * (`new Configuration(conf)` + `addResource("hadoop-policy.xml")`), which `withPolicyFile` builds here,
 * so a key set only there (hadoop.proxyuser.*, hadoop.security.authorization, ...) reaches nothing
 * else. The directory comes from the option (CLI `--config DIR`), else `HADOOP_CONF_DIR`, else
 * `defaultConfDir` when it exists (the CLI and clients pass /etc/hadoop/conf, where packaged Hadoop
 * keeps it), else none (defaults only). A named directory that does not exist is ConfigError
 * CONFIG_MISSING saying where the name came from. Nothing here runs at module load.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../errors/index.ts';
import { Configuration, type ConfigurationOptions } from './configuration.ts';

/** Site files of every daemon's and client's configuration, in the order Hadoop layers them. */
export const SITE_FILES = ['core-site.xml', 'hdfs-site.xml'] as const;

/**
 * The service-level authorization policy (ServiceAuthorizationManager.HADOOP_POLICY_FILE), read only
 * for the service ACLs (`withPolicyFile`).
 */
export const POLICY_FILE = 'hadoop-policy.xml';

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
  const { dir, from } = confDirOf(options, env);
  const conf = new Configuration({ ...options, env, confDir: dir });
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

/**
 * The configuration the service ACLs are read from, as ServiceAuthorizationManager.refresh builds it:
 * a copy of `conf` with hadoop-policy.xml of the directory `conf` was loaded from layered on top
 * (Hadoop finds the file on the classpath, where that directory is). Final properties of `conf` stay
 * final and its `-D` / `set()` values stay on top, as Hadoop's copy reloads its resources and then
 * its overlay. `conf` itself when it came from no directory or the directory has no such file. A file
 * that cannot be read or parsed is a ConfigError, so a refresh that meets one changes nothing.
 */
export function withPolicyFile(conf: Configuration): Configuration {
  if (conf.confDir === undefined) return conf;
  const path = join(conf.confDir, POLICY_FILE);
  if (!existsSync(path)) return conf;
  return conf.clone().addResourceFile(path).freeze();
}

/** The configuration directory to read and what named it. */
function confDirOf(options: LoadConfigurationOptions, env: NodeJS.ProcessEnv): { dir?: string; from: string } {
  if (options.confDir !== undefined) return { dir: options.confDir, from: options.confDirSource ?? '--config' };
  if (env.HADOOP_CONF_DIR) return { dir: env.HADOOP_CONF_DIR, from: 'HADOOP_CONF_DIR' };
  if (options.defaultConfDir !== undefined && existsSync(options.defaultConfDir)) return { dir: options.defaultConfDir, from: 'the default location' };
  return { from: 'none' };
}
