/**
 * Validation of a whole configuration against the key registry (run by `Configuration.freeze()` at
 * daemon/CLI start) and the one builder of CONFIG_INVALID errors, so every bad value is reported the
 * same way: key, value (never for password-like keys), the file it came from, and the default.
 */
import { ConfigError } from '../errors/index.ts';
import type { Configuration } from './configuration.ts';
import type { KeyDef } from './types.ts';
import { parseStrings } from './values.ts';

const SECRET_NAME = /pass(word)?|secret|credential/i;

/** The CONFIG_INVALID error for `value` of `key`; `reason` says why it does not parse. */
export function invalidValue(key: string, value: string, source: string, reason: string, defaultValue?: string, cause?: unknown): ConfigError {
  const secret = SECRET_NAME.test(key);
  const shown = secret ? '[redacted]' : JSON.stringify(value);
  const why = secret ? 'the value does not parse' : reason;
  const hint = defaultValue === undefined ? 'fix or remove the property' : `fix it, or remove it to use the default (${defaultValue})`;
  return new ConfigError(
    'CONFIG_INVALID',
    `Invalid value ${shown} for ${key} (from ${source}): ${why}; ${hint}`,
    { configKey: key, value: secret ? undefined : value, source },
    { cause: secret ? undefined : cause },
  );
}

/** Lower-cases `value` and checks it against `allowed` (RangeError when not listed). */
export function checkEnum(value: string, allowed: readonly string[] | undefined): string {
  const v = value.trim().toLowerCase();
  if (allowed && !allowed.includes(v)) throw new RangeError(`"${value.trim()}" is not one of ${allowed.join(', ')}`);
  return v;
}

function checkKey(conf: Configuration, def: KeyDef): void {
  const v = conf.get(def.name);
  if (v === undefined) return;
  switch (def.type) {
    case 'int':
      return void conf.getInt(def.name);
    case 'long':
      return void conf.getLong(def.name);
    case 'float':
      return void conf.getFloat(def.name);
    case 'bytes':
      return void conf.getLongBytes(def.name);
    case 'boolean':
      return void conf.getBoolean(def.name, false);
    case 'duration':
      return void conf.getTimeDuration(def.name);
    case 'enum':
      return void conf.getEnum(def.name);
    case 'strings':
      for (const item of def.itemValues ? parseStrings(v) : []) {
        try {
          checkEnum(item, def.itemValues);
        } catch (err) {
          throw invalidValue(def.name, v, conf.source(def.name) ?? 'unknown', (err as Error).message, def.default, err);
        }
      }
      return;
    default:
      return;
  }
}

/** Throws ConfigError CONFIG_INVALID listing every declared key of `conf` whose value does not parse. */
export function validateDeclaredKeys(conf: Configuration): void {
  const problems: ConfigError[] = [];
  for (const name of conf.keys()) {
    const def = conf.registry.get(name);
    if (!def) continue;
    try {
      checkKey(conf, def);
    } catch (err) {
      if (err instanceof ConfigError) problems.push(err);
      else throw err;
    }
  }
  if (problems.length === 1) throw problems[0];
  if (problems.length > 1) {
    throw new ConfigError(
      'CONFIG_INVALID',
      `${problems.length} invalid configuration values:\n` + problems.map((p) => `  - ${p.message}`).join('\n'),
      { keys: problems.map((p) => String(p.details.configKey)) },
    );
  }
}
