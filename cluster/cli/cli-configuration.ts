/**
 * The Hadoop configuration of a command invocation: the generic options (./generic-options.ts)
 * applied to defaults and site files.
 */
import { DEFAULT_CONF_DIR, loadConfiguration, type Configuration } from '../../lib/config/index.ts';
import { toConfigSource, type CliConfigArg } from './generic-options.ts';

/**
 * Defaults + site files of `source.confDir` (else HADOOP_CONF_DIR of `env`, else /etc/hadoop/conf
 * when it exists) + `-conf` files + the `-D` overrides + `extra` (what the subcommand's own
 * arguments name), validated and frozen.
 */
export function loadCliConfiguration(source: CliConfigArg, env: NodeJS.ProcessEnv = process.env, extra: Readonly<Record<string, string>> = {}): Configuration {
  const { confDir, resources, overrides } = toConfigSource(source);
  return loadConfiguration({
    ...(confDir !== undefined ? { confDir, confDirSource: '--config' } : {}),
    defaultConfDir: DEFAULT_CONF_DIR,
    ...(resources ? { resources } : {}),
    env,
    overrides: { ...(overrides ?? {}), ...extra },
  });
}
