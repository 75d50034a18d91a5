/**
 * A layered, typed configuration with Hadoop's semantics (`org.apache.hadoop.conf.Configuration` 3.x):
 * resources are applied in order (declared defaults, then core-site.xml, hdfs-site.xml, ...; later
 * values override earlier ones), a property marked `<final>true</final>` cannot be overridden by a later
 * resource (the attempt is logged and ignored), a value `set()` from code (or `-D`) stays on top of
 * every resource, also one added after it (Hadoop's overlay, re-applied after each reload), values are
 * expanded with `${...}` (./substitute.ts) on read, deprecated names map to their replacement, and typed
 * getters parse with Hadoop's rules (./values.ts). Unlike Hadoop, an unparsable value is an error (a
 * ConfigError CONFIG_INVALID naming the key, the value and the file), never a silent fallback; `freeze()`
 * validates every declared key once and makes the object read-only, for daemons to pass into constructors.
 */
import { readFileSync } from 'node:fs';
import { homedir, tmpdir, userInfo } from 'node:os';
import { ConfigError } from '../errors/index.ts';
import { getLogger, type Logger } from '../log/logger.ts';
import { defaultRegistry } from './keys/index.ts';
import type { KeyRegistry } from './registry.ts';
import { substituteVars, type SubstitutionSources } from './substitute.ts';
import type { TimeUnit } from './types.ts';
import { checkEnum, invalidValue, validateDeclaredKeys } from './validate.ts';
import { parseBoolean, parseBytes, parseDuration, parseFloatValue, parseInt32, parseInt64, parseStrings } from './values.ts';
import { parseConfigurationXml, type XmlProperty } from './xml-loader.ts';

/** The `source()` of values that come from the key registry's declared defaults. */
export const DEFAULTS_SOURCE = 'defaults';
/** The `source()` of values set with `set()` and no explicit source (Hadoop's wording). */
export const PROGRAMMATIC_SOURCE = 'programmatically';

export interface ConfigurationOptions {
  /** Key declarations; default: every key in lib/config/keys. */
  readonly registry?: KeyRegistry;
  /** Start with the declared defaults as the first layer (default true). */
  readonly loadDefaults?: boolean;
  /** Environment for `${env.X}`; default `process.env` (read when the Configuration is built). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Java-style system properties for `${user.name}` etc.; default derived from the OS. */
  readonly systemProperties?: Readonly<Record<string, string | undefined>>;
  /**
   * The configuration directory the site files came from (loadConfiguration sets it): where a
   * resource Hadoop looks up on the classpath by name, such as hadoop-policy.xml, is found.
   */
  readonly confDir?: string | undefined;
}

interface Entry {
  readonly value: string;
  readonly source: string;
}

function osSystemProperties(): Record<string, string | undefined> {
  let user: string | undefined;
  try {
    user = userInfo().username;
  } catch {
    user = process.env.USER;
  }
  return { 'user.name': user, 'user.home': homedir(), 'user.dir': process.cwd(), 'java.io.tmpdir': tmpdir() };
}

export class Configuration {
  readonly #registry: KeyRegistry;
  readonly #props = new Map<string, Entry>();
  readonly #finals = new Set<string>();
  /** Keys whose value came from `set()`: no resource replaces them (Hadoop's `overlay`). */
  readonly #overlay = new Set<string>();
  readonly #confDir: string | undefined;
  readonly #warnedAliases = new Set<string>();
  readonly #subst: SubstitutionSources;
  readonly #log: Logger = getLogger('config');
  #frozen = false;

  constructor(options: ConfigurationOptions = {}) {
    this.#registry = options.registry ?? defaultRegistry();
    this.#confDir = options.confDir;
    this.#subst = {
      env: options.env ?? process.env,
      systemProperties: options.systemProperties ?? osSystemProperties(),
      lookupKey: (name) => this.getRaw(name),
    };
    if (options.loadDefaults ?? true) {
      for (const def of this.#registry.all()) {
        if (def.default !== undefined) this.#props.set(def.name, { value: def.default, source: DEFAULTS_SOURCE });
      }
    }
  }

  /** The registry this configuration validates against. */
  get registry(): KeyRegistry {
    return this.#registry;
  }

  /** The configuration directory the site files were read from; undefined for one built in code. */
  get confDir(): string | undefined {
    return this.#confDir;
  }

  get frozen(): boolean {
    return this.#frozen;
  }

  // ---- loading --------------------------------------------------------------------------------------

  /** Layers a configuration XML file on top; a missing file is ConfigError CONFIG_MISSING. */
  addResourceFile(path: string): this {
    let xml: string;
    try {
      xml = readFileSync(path, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new ConfigError(
        'CONFIG_MISSING',
        `Configuration file ${path} cannot be read (${code ?? String(err)}): check the path and --conf / HADOOP_CONF_DIR`,
        { file: path },
        { cause: err },
      );
    }
    return this.addResourceXml(xml, path);
  }

  /** Layers configuration XML text on top; `name` is what `source()` reports for its keys. */
  addResourceXml(xml: string, name: string): this {
    return this.addProperties(parseConfigurationXml(xml, name), name);
  }

  /** Layers parsed properties on top, honouring `final` from earlier resources and values from `set()`. */
  addProperties(properties: readonly XmlProperty[], source: string): this {
    this.#checkWritable();
    for (const p of properties) {
      const name = this.#canonical(p.name);
      if (p.value !== undefined && !this.#overlay.has(name)) {
        if (!this.#finals.has(name)) {
          this.#props.set(name, { value: p.value, source });
        } else if (this.#props.get(name)?.value !== p.value) {
          this.#log.warn(
            { file: source, line: p.line, configKey: name, finalIn: this.#props.get(name)?.source },
            `${source}: an attempt to override final parameter: ${name}; ignoring`,
          );
        }
      }
      if (p.final) this.#finals.add(name);
    }
    return this;
  }

  /**
   * Sets a value (tests, CLI -D); like Hadoop's `set`, this overrides even final properties and
   * resources added later.
   */
  set(key: string, value: string, source: string = PROGRAMMATIC_SOURCE): this {
    this.#checkWritable();
    const name = this.#canonical(key.trim());
    this.#props.set(name, { value, source });
    this.#overlay.add(name);
    return this;
  }

  /** Removes a value (the key reads as unset, not as its declared default). */
  unset(key: string): this {
    this.#checkWritable();
    const name = this.#canonical(key);
    this.#props.delete(name);
    this.#overlay.delete(name);
    return this;
  }

  /** Validates every declared key that has a value, then makes this configuration read-only. */
  freeze(): this {
    this.validate();
    this.#frozen = true;
    return this;
  }

  /** Throws ConfigError CONFIG_INVALID listing every declared key whose value does not parse. */
  validate(): void {
    validateDeclaredKeys(this);
  }

  /** An unfrozen copy (Hadoop's `new Configuration(conf)`), e.g. to override keys for one subsystem. */
  clone(): Configuration {
    const copy = new Configuration({
      registry: this.#registry, loadDefaults: false, env: this.#subst.env, systemProperties: this.#subst.systemProperties, confDir: this.#confDir,
    });
    for (const [k, e] of this.#props) copy.#props.set(k, e);
    for (const f of this.#finals) copy.#finals.add(f);
    for (const k of this.#overlay) copy.#overlay.add(k);
    return copy;
  }

  // ---- reading --------------------------------------------------------------------------------------

  /** The value as stored, without `${}` expansion. */
  getRaw(key: string): string | undefined {
    return this.#props.get(this.#canonical(key))?.value;
  }

  /** The value with `${...}` expanded, or `defaultValue` when unset. */
  get(key: string): string | undefined;
  get(key: string, defaultValue: string): string;
  get(key: string, defaultValue?: string): string | undefined {
    const name = this.#canonical(key);
    const raw = this.#props.get(name)?.value;
    return raw === undefined ? defaultValue : substituteVars(raw, this.#subst, name);
  }

  /** `get` with surrounding whitespace removed. */
  getTrimmed(key: string): string | undefined;
  getTrimmed(key: string, defaultValue: string): string;
  getTrimmed(key: string, defaultValue?: string): string | undefined {
    const v = this.get(key);
    return v === undefined ? defaultValue : v.trim();
  }

  /** A 32-bit integer (decimal or 0x hex). */
  getInt(key: string, defaultValue?: number): number {
    return this.#typed(key, defaultValue, parseInt32);
  }

  /** A 64-bit integer (decimal or 0x hex), limited to the exactly representable +-2^53. */
  getLong(key: string, defaultValue?: number): number {
    return this.#typed(key, defaultValue, parseInt64);
  }

  /** A decimal number (Hadoop's `getFloat`). */
  getFloat(key: string, defaultValue?: number): number {
    return this.#typed(key, defaultValue, parseFloatValue);
  }

  /** A byte count with an optional binary prefix: `64m` = 67108864 (Hadoop's `getLongBytes`). */
  getLongBytes(key: string, defaultValue?: number): number {
    return this.#typed(key, defaultValue, parseBytes);
  }

  /** `true`/`false` in any case. An empty value reads as unset (as in Hadoop). */
  getBoolean(key: string, defaultValue?: boolean): boolean {
    return this.#typed(key, defaultValue, parseBoolean, true);
  }

  /**
   * A duration converted to `returnUnit` (default ms), truncated toward zero. The value may carry a
   * suffix ns/us/ms/s/m/h/d; a bare number is in the key's declared unit, or `defaultUnit` for an
   * undeclared key (default ms). `defaultValue` (for undeclared or unset keys) is in `defaultUnit`.
   */
  getTimeDuration(key: string, defaultUnit?: TimeUnit, returnUnit: TimeUnit = 'ms', defaultValue?: number): number {
    const unit = this.#registry.get(key)?.unit ?? defaultUnit ?? 'ms';
    const fallback = defaultValue === undefined ? undefined : parseDuration(String(defaultValue), defaultUnit ?? unit, returnUnit);
    return this.#typed(key, fallback, (v) => parseDuration(v, unit, returnUnit));
  }

  /** A comma list, items trimmed, empty items dropped; unset = `defaultValue` or []. */
  getStrings(key: string, defaultValue: readonly string[] = []): string[] {
    const v = this.get(key);
    return v === undefined ? [...defaultValue] : parseStrings(v);
  }

  /** Same as `getStrings` (kept for Hadoop's name; both trim). */
  getTrimmedStrings(key: string, defaultValue: readonly string[] = []): string[] {
    return this.getStrings(key, defaultValue);
  }

  /** An `enum` key's value, lower-cased and checked against the declared values. */
  getEnum(key: string, defaultValue?: string): string {
    const def = this.#registry.get(key);
    return this.#typed(key, defaultValue, (v) => checkEnum(v, def?.values));
  }

  /**
   * Every set key starting with `prefix`, mapped from the rest of its name to its expanded value
   * (Hadoop's `getPropsWithPrefix`), e.g. `hadoop.proxyuser.` for impersonation rules.
   */
  getPropsWithPrefix(prefix: string): Map<string, string> {
    const out = new Map<string, string>();
    for (const name of this.keys()) {
      if (name.startsWith(prefix)) out.set(name.slice(prefix.length), this.get(name)!);
    }
    return out;
  }

  /** Every set key whose whole name matches `pattern`, with its expanded value (Hadoop's `getValByRegex`). */
  getValByRegex(pattern: RegExp): Map<string, string> {
    const out = new Map<string, string>();
    const whole = new RegExp(`^(?:${pattern.source})$`, pattern.flags.replace(/[gy]/g, ''));
    for (const name of this.keys()) {
      if (whole.test(name)) out.set(name, this.get(name)!);
    }
    return out;
  }

  /** Which resource set `key`: a file path, `defaults`, `programmatically`, or a caller label. */
  source(key: string): string | undefined {
    return this.#props.get(this.#canonical(key))?.source;
  }

  /** Whether a resource marked `key` final. */
  isFinal(key: string): boolean {
    return this.#finals.has(this.#canonical(key));
  }

  /** Every key that has a value, sorted. */
  keys(): string[] {
    return [...this.#props.keys()].sort();
  }

  // ---- internals ------------------------------------------------------------------------------------

  #canonical(key: string): string {
    const name = this.#registry.canonicalName(key);
    if (name !== key && !this.#warnedAliases.has(key)) {
      this.#warnedAliases.add(key);
      this.#log.warn({ configKey: key, replacement: name }, `${key} is deprecated. Instead, use ${name}`);
    }
    return name;
  }

  #checkWritable(): void {
    if (this.#frozen) {
      throw new ConfigError('CONFIG_INVALID', 'Configuration is frozen; clone() it to derive a modified copy');
    }
  }

  #typed<T>(key: string, defaultValue: T | undefined, parse: (v: string) => T, emptyIsUnset = false): T {
    const value = this.get(key);
    if (value === undefined || (emptyIsUnset && value.trim() === '')) {
      if (defaultValue !== undefined) return defaultValue;
      throw new ConfigError('CONFIG_MISSING', `Configuration key ${key} is not set and has no default: set it in the site files`, {
        configKey: key,
      });
    }
    try {
      return parse(value);
    } catch (err) {
      if (!(err instanceof RangeError)) throw err;
      throw this.#invalid(key, value, err.message, err);
    }
  }

  #invalid(key: string, value: string, reason: string, cause?: unknown): ConfigError {
    const name = this.#canonical(key);
    return invalidValue(name, value, this.source(name) ?? 'unknown', reason, this.#registry.get(name)?.default, cause);
  }

}
