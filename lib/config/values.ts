/**
 * Parsers for typed configuration values with Hadoop's rules (`org.apache.hadoop.conf.Configuration`
 * 3.x): integers as `getInt`/`getLong` read them (decimal with optional sign, or 0x hex after
 * `getHexDigits`), sizes as `getLongBytes` (`StringUtils.TraditionalBinaryPrefix.string2long`: k m g t p e,
 * case-insensitive, powers of 1024), durations as `getTimeDuration` (`ParsedTimeDuration`: the first of
 * ns us ms s m h d that the lower-cased value ends with; a bare number is in the caller's unit; Java
 * `TimeUnit.convert`, which truncates toward zero and saturates). Each parser throws `RangeError` with
 * the reason; `Configuration` turns it into a ConfigError naming the key, value and file.
 */
import type { TimeUnit } from './types.ts';

const INT32 = { min: -(2n ** 31n), max: 2n ** 31n - 1n };
const INT64 = { min: -(2n ** 63n), max: 2n ** 63n - 1n };

/** Nanoseconds per unit, the basis of Java's `TimeUnit.convert`. */
const NANOS: Record<TimeUnit, bigint> = {
  ns: 1n,
  us: 1_000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
  d: 86_400_000_000_000n,
};

/** `ParsedTimeDuration` declaration order: the first suffix the value ends with wins ("5ms" is ms, not s). */
const SUFFIX_ORDER: readonly TimeUnit[] = ['ns', 'us', 'ms', 's', 'm', 'h', 'd'];

/** Java `Long.parseLong`: optional sign, then ASCII decimal digits only. */
function parseJavaLong(s: string, range = INT64): bigint {
  if (!/^[+-]?\d+$/.test(s)) throw new RangeError(`"${s}" is not a decimal integer`);
  const n = BigInt(s);
  if (n < range.min || n > range.max) throw new RangeError(`${s} is out of range [${range.min}, ${range.max}]`);
  return n;
}

/** `Configuration.getHexDigits` + `Integer/Long.parseLong(hex, 16)`, else decimal. */
function parseIntegral(value: string, range: { min: bigint; max: bigint }): bigint {
  const s = value.trim();
  const hex = /^(-?)0[xX]([0-9a-fA-F]+)$/.exec(s);
  if (hex) {
    const n = BigInt(`0x${hex[2]}`) * (hex[1] ? -1n : 1n);
    if (n < range.min || n > range.max) throw new RangeError(`${s} is out of range [${range.min}, ${range.max}]`);
    return n;
  }
  return parseJavaLong(s, range);
}

function toSafeNumber(n: bigint, shown: string): number {
  if (n > BigInt(Number.MAX_SAFE_INTEGER) || n < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new RangeError(`${shown} is beyond 2^53 and cannot be represented exactly`);
  }
  return Number(n);
}

/** A 32-bit integer as `Configuration.getInt` parses it. */
export function parseInt32(value: string): number {
  return Number(parseIntegral(value, INT32));
}

/** A 64-bit integer as `Configuration.getLong` parses it (limited to the exactly representable range). */
export function parseInt64(value: string): number {
  return toSafeNumber(parseIntegral(value, INT64), value.trim());
}

/** `Configuration.getFloat` (Java's Float.parseFloat after trimming): a finite decimal number, e.g. 0.5 or 1e3. */
export function parseFloatValue(value: string): number {
  const s = value.trim();
  const n = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[fFdD]?$/.test(s) ? Number(s.replace(/[fFdD]$/, '')) : NaN;
  if (!Number.isFinite(n)) throw new RangeError(`"${s}" is not a number`);
  return n;
}

/** `Configuration.getBoolean`: "true"/"false" in any case after trimming; anything else is invalid. */
export function parseBoolean(value: string): boolean {
  const s = value.trim().toLowerCase();
  if (s === 'true') return true;
  if (s === 'false') return false;
  throw new RangeError(`"${value.trim()}" is not true or false`);
}

/** `getLongBytes`: a long with an optional binary prefix k/m/g/t/p/e (case-insensitive), e.g. 64m. */
export function parseBytes(value: string): number {
  const s = value.trim();
  if (s === '') throw new RangeError('empty size');
  const last = s[s.length - 1]!;
  if (/\d/.test(last)) return toSafeNumber(parseJavaLong(s), s);
  const power = 'kmgtpe'.indexOf(last.toLowerCase());
  if (power < 0) throw new RangeError(`invalid size prefix '${last}' in "${s}"; allowed prefixes are k, m, g, t, p, e`);
  const factor = 1n << BigInt(10 * (power + 1));
  const num = parseJavaLong(s.slice(0, -1));
  if (num > INT64.max / factor || num < INT64.min / factor) throw new RangeError(`"${s}" overflows a 64-bit long`);
  return toSafeNumber(num * factor, s);
}

/** Java `TimeUnit.convert(amount, from)` into `to`: truncation toward zero, saturation at the long range. */
export function convertTime(amount: bigint, from: TimeUnit, to: TimeUnit): bigint {
  const nanos = amount * NANOS[from];
  const result = nanos / NANOS[to]; // BigInt division truncates toward zero, as Java does
  if (result > INT64.max) return INT64.max;
  if (result < INT64.min) return INT64.min;
  return result;
}

/**
 * `getTimeDuration`: `value` optionally suffixed with ns/us/ms/s/m/h/d (case-insensitive); a bare number
 * is in `defaultUnit`. Returns the amount in `returnUnit`, truncated toward zero.
 */
export function parseDuration(value: string, defaultUnit: TimeUnit, returnUnit: TimeUnit): number {
  const s = value.trim().toLowerCase();
  const unit = SUFFIX_ORDER.find((u) => s.endsWith(u));
  const digits = unit ? s.slice(0, s.lastIndexOf(unit)) : s;
  const raw = parseJavaLong(digits);
  return toSafeNumber(convertTime(raw, unit ?? defaultUnit, returnUnit), value.trim());
}

/** Hadoop's `getTrimmedStrings`/`getStrings`: comma split, items trimmed, empty items dropped. */
export function parseStrings(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/**
 * Hadoop's `StringUtils.getTrimmedStringCollection`: the value trimmed, split at commas and line
 * breaks with the white space around them (`getTrimmedStrings`: `\s*[,\n]\s*`), empty items and
 * repeats dropped, first-seen order kept. The list syntax of AccessControlList and MachineList.
 */
export function parseTrimmedStringCollection(value: string | undefined): string[] {
  if (value === undefined || value.trim() === '') return [];
  return [...new Set(value.trim().split(/\s*[,\n]\s*/))].filter((s) => s.length > 0);
}
