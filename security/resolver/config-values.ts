/**
 * Typed reads of the resolver keys from a ConfigSource (a frozen Configuration has validated them
 * already; a plain ConfigSource has not), with Hadoop's getters' rules (lib/config/values.ts): an
 * unparsable value is a ConfigError naming the key, never a silent default.
 */
import { ConfigError } from '../../lib/errors/index.ts';
import { parseBoolean, parseInt64 } from '../../lib/config/values.ts';
import type { ConfigSource } from './sasl-properties-resolver.ts';

/** A path or name; unset or blank: `fallback`. */
export function stringKey(conf: ConfigSource, key: string, fallback: string): string {
  return conf.get(key)?.trim() || fallback;
}

/** Configuration.getBoolean: true/false in any case. */
export function booleanKey(conf: ConfigSource, key: string, fallback: boolean): boolean {
  const raw = conf.get(key);
  if (raw === undefined) return fallback;
  try {
    return parseBoolean(raw);
  } catch (cause) {
    throw new ConfigError('CONFIG_INVALID', `Invalid ${key} value "${raw}": expected true or false`, { configKey: key, value: raw }, { cause });
  }
}

/** Hadoop's conf.getLong(key, default): a plain (possibly negative) number of seconds. */
export function secondsKey(conf: ConfigSource, key: string, fallback: number): number {
  const raw = conf.get(key);
  if (raw === undefined) return fallback;
  try {
    return parseInt64(raw);
  } catch (cause) {
    throw new ConfigError('CONFIG_INVALID', `Invalid ${key} value "${raw}": expected a whole number of seconds (negative: never reload)`, { configKey: key, value: raw }, { cause });
  }
}
