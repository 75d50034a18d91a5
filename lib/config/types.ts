/**
 * The shape of one configuration key declaration, in the spirit of Hadoop's `*-default.xml` entries
 * plus the typing Hadoop keeps only in code (`CommonConfigurationKeysPublic`, `DFSConfigKeys`):
 * name, value type, default (as the string Hadoop's default file holds), description, deprecated
 * aliases (Hadoop's `Configuration.DeprecationDelta`) and, for durations, the unit of a bare number.
 */

/** Hadoop's `java.util.concurrent.TimeUnit` values used by `getTimeDuration`. */
export type TimeUnit = 'ns' | 'us' | 'ms' | 's' | 'm' | 'h' | 'd';

/**
 * Value types. `float` is a decimal number (Hadoop's `getFloat`, e.g. fs.trash.interval in minutes); `duration` accepts a number with an optional ns/us/ms/s/m/h/d suffix (a bare number is
 * in the key's `unit`); `bytes` accepts an optional k/m/g/t/p/e binary suffix; `strings` is a comma list;
 * `class` is a (Java or hsec) implementation name resolved by a registry elsewhere; `enum` is one of
 * `values` (compared case-insensitively, as Hadoop's `Enum.valueOf(toUpperCase)` call sites do).
 */
export type ConfigType = 'string' | 'int' | 'long' | 'float' | 'boolean' | 'duration' | 'bytes' | 'strings' | 'class' | 'enum';

export interface KeyDef {
  /** The property name, exactly as Hadoop spells it. */
  readonly name: string;
  readonly type: ConfigType;
  /** Default as it would appear in a `*-default.xml` `<value>`; undefined = no default (unset). */
  readonly default?: string;
  readonly description: string;
  /** Old names that map to this one (reading or setting them reads or sets this key). */
  readonly deprecated?: readonly string[];
  /** For `duration`: the unit of a value without a suffix (Hadoop's caller-supplied `TimeUnit`). */
  readonly unit?: TimeUnit;
  /** For `enum`: the allowed values (lower case). */
  readonly values?: readonly string[];
  /** For `strings` keys holding an enum list (e.g. QOP names): the allowed items (lower case). */
  readonly itemValues?: readonly string[];
  /**
   * What in hsec reads the key today (`hsec namenode`, `fetchdt, dtutil`, ...). Absent: declared for an
   * upcoming feature (validated and documented, but nothing reads it yet). test/unit/config/keys.test.ts
   * checks this against the source: a key with `usedBy` is read by product code, one without is not.
   */
  readonly usedBy?: readonly string[];
}

/** Declares one key; the identity function gives `as const`-like checking to each per-area table. */
export function key(def: KeyDef): KeyDef {
  return def;
}
