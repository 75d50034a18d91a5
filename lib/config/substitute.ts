/**
 * Variable expansion in configuration values, after Hadoop 3's `Configuration.substituteVars` and
 * `findSubVariable`: the innermost `${name}` is replaced first (a name is non-empty and holds no space
 * or `$`), at most 20 rounds. `${env.NAME}` reads an environment variable, with `${env.NAME:-fallback}`
 * (fallback when unset or empty) and `${env.NAME-fallback}` (fallback when unset). Other names are looked
 * up as a Java system property (we emulate user.name, user.home, user.dir, java.io.tmpdir), then as
 * another configuration key, then as an environment variable of the same name. An unknown name stays as
 * written; a value that contains its own reference leaves the whole expression unexpanded (Hadoop's
 * loop guard); more than 20 rounds is a ConfigError.
 */
import { ConfigError } from '../errors/index.ts';

/** Hadoop's `Configuration.MAX_SUBST`. */
export const MAX_SUBSTITUTIONS = 20;

export interface SubstitutionSources {
  /** Environment variables (`process.env` unless a test injects its own). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Java-style system properties (`user.name` ...). */
  readonly systemProperties: Readonly<Record<string, string | undefined>>;
  /** The raw (unexpanded) value of another configuration key. */
  readonly lookupKey: (name: string) => string | undefined;
}

/** Finds the innermost `${...}`: returns [start of `$`, start of name, end of name] or undefined. */
function findVariable(s: string): [number, number, number] | undefined {
  let from = 0;
  for (;;) {
    const dollar = s.indexOf('${', from);
    if (dollar < 0) return undefined;
    const nameStart = dollar + 2;
    let i = nameStart;
    for (; i < s.length; i++) {
      const c = s[i];
      if (c === '}') {
        if (i > nameStart) return [dollar, nameStart, i];
        break;
      }
      if (c === ' ' || c === '$') break;
    }
    if (i >= s.length) return undefined; // ran to the end without a reset: no variable
    from = s[i] === '$' ? i : i + 1;
  }
}

function lookupEnv(spec: string, env: SubstitutionSources['env']): string | undefined {
  for (let i = 0; i < spec.length; i++) {
    if (spec[i] === ':' && spec[i + 1] === '-') {
      const v = env[spec.slice(0, i)];
      return v === undefined || v === '' ? spec.slice(i + 2) : v;
    }
    if (spec[i] === '-') {
      const v = env[spec.slice(0, i)];
      return v === undefined ? spec.slice(i + 1) : v;
    }
  }
  return env[spec];
}

function resolve(name: string, src: SubstitutionSources): string | undefined {
  if (name.startsWith('env.') && name.length > 4) return lookupEnv(name.slice(4), src.env);
  return src.systemProperties[name] ?? src.lookupKey(name) ?? src.env[name];
}

/** Expands `${...}` references in `expr`; `key` names the property in the depth error. */
export function substituteVars(expr: string, src: SubstitutionSources, key?: string): string {
  let current = expr;
  for (let round = 0; round < MAX_SUBSTITUTIONS; round++) {
    const found = findVariable(current);
    if (!found) return current;
    const [dollar, nameStart, nameEnd] = found;
    const value = resolve(current.slice(nameStart, nameEnd), src);
    if (value === undefined) return current; // left as written: it may be meant literally
    const reference = current.slice(dollar, nameEnd + 1);
    if (value.includes(reference)) return expr; // self-reference: Hadoop returns the original
    current = current.slice(0, dollar) + value + current.slice(nameEnd + 1);
  }
  throw new ConfigError(
    'CONFIG_INVALID',
    `Variable substitution depth too large (more than ${MAX_SUBSTITUTIONS} rounds) in ${key ?? 'a value'}: ` +
      'check for ${...} references that form a loop',
    { configKey: key },
  );
}
