/**
 * The texts Hadoop 3.4.1 builds for cache pools and directives, shared by the NameNode (audit lines,
 * refusals) and `hsec cacheadmin` (listings): DFSUtilClient.durationToString and
 * dateToIso8601String (CacheDirectiveInfo.Expiration.toString), CachePoolInfo.toString and
 * CacheDirectiveInfo.toString, and the Expiration / CachePoolInfo constants. Longs are bigints: a
 * directive that never expires does so at now + Long.MAX_VALUE / 4 ms, in the year 73 million,
 * past what a JavaScript Date holds.
 */

/** Expiration.MAX_RELATIVE_EXPIRY_MS (Long.MAX_VALUE / 4) = CachePoolInfo.RELATIVE_EXPIRY_NEVER. */
export const MAX_RELATIVE_EXPIRY_MS = 9223372036854775807n / 4n;
/** CachePoolInfo.LIMIT_UNLIMITED (Long.MAX_VALUE). */
export const LIMIT_UNLIMITED = 9223372036854775807n;
/** FsPermission.getCachePoolDefault(): 0755. */
export const CACHE_POOL_DEFAULT_MODE = 0o755;
/** CachePoolInfo.DEFAULT_REPLICATION_NUM. */
export const DEFAULT_CACHE_REPLICATION = 1;

const pad = (n: bigint | number, w: number): string => n.toString().padStart(w, '0');

/** DFSUtilClient.durationToString: "%03d:%02d:%02d:%02d.%03d" (days, hours, minutes, seconds, ms), "-" before a negative one. */
export function durationToString(durationMs: bigint): string {
  const negative = durationMs < 0n;
  const ms = negative ? -durationMs : durationMs;
  let sec = ms / 1000n;
  const days = sec / 86400n;
  sec -= days * 86400n;
  const hours = sec / 3600n;
  sec -= hours * 3600n;
  const minutes = sec / 60n;
  sec -= minutes * 60n;
  return `${negative ? '-' : ''}${pad(days, 3)}:${pad(hours, 2)}:${pad(minutes, 2)}:${pad(sec, 2)}.${pad(ms % 1000n, 3)}`;
}

/** Proleptic Gregorian date of a day count since 1970-01-01 (H. Hinnant's civil_from_days), exact for any bigint. */
function civilFromDays(z0: bigint): { y: bigint; m: number; d: number } {
  const z = z0 + 719468n;
  const era = (z >= 0n ? z : z - 146096n) / 146097n;
  const doe = z - era * 146097n;
  const yoe = (doe - doe / 1460n + doe / 36524n - doe / 146096n) / 365n;
  const doy = doe - (365n * yoe + yoe / 4n - yoe / 100n);
  const mp = (5n * doy + 2n) / 153n;
  const d = Number(doy - (153n * mp + 2n) / 5n + 1n);
  const m = Number(mp < 10n ? mp + 3n : mp - 9n);
  return { y: yoe + era * 400n + (m <= 2 ? 1n : 0n), m, d };
}

/** The local zone's offset from UTC at `ms` in minutes (the current one for an instant a Date cannot hold). */
function zoneOffsetMinutes(ms: bigint): number {
  const at = ms > 8_640_000_000_000_000n || ms < -8_640_000_000_000_000n ? Date.now() : Number(ms);
  return -new Date(at).getTimezoneOffset();
}

/**
 * DFSUtilClient.dateToIso8601String: SimpleDateFormat("yyyy-MM-dd'T'HH:mm:ssZ") in the local time
 * zone, e.g. 2026-12-05T18:30:00+0000.
 */
export function dateToIso8601String(ms: bigint): string {
  const offset = zoneOffsetMinutes(ms);
  const local = ms + BigInt(offset) * 60_000n;
  const floorDiv = (a: bigint, b: bigint) => (a >= 0n ? a / b : -((-a + b - 1n) / b));
  const days = floorDiv(local, 86_400_000n);
  const msOfDay = Number(local - days * 86_400_000n);
  const { y, m, d } = civilFromDays(days);
  const secs = Math.floor(msOfDay / 1000);
  const time = `${pad(Math.floor(secs / 3600), 2)}:${pad(Math.floor(secs / 60) % 60, 2)}:${pad(secs % 60, 2)}`;
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}T${time}${sign}${pad(Math.floor(abs / 60), 2)}${pad(abs % 60, 2)}`;
}

/** CacheDirectiveInfo.Expiration.toString: a relative one as a duration, an absolute one as an ISO-8601 date. */
export function expirationString(e: { millis: bigint; isRelative: boolean }): string {
  return e.isRelative ? durationToString(e.millis) : dateToIso8601String(e.millis);
}

/** A CachePoolInfo as Java holds it: the name, then null for what is not set. */
export interface CachePoolInfoText {
  poolName: string;
  ownerName?: string | undefined;
  groupName?: string | undefined;
  mode?: number | undefined;
  limit?: bigint | undefined;
  defaultReplication?: number | undefined;
  maxRelativeExpiryMs?: bigint | undefined;
}

const orNull = (v: unknown): string => (v === undefined ? 'null' : String(v));

/** CachePoolInfo.toString (the audit line of addCachePool and modifyCachePool). */
export function cachePoolInfoString(i: CachePoolInfoText): string {
  const mode = i.mode === undefined ? 'null' : `0${(i.mode & 0o7777).toString(8).padStart(3, '0')}`;
  return `{poolName:${i.poolName}, ownerName:${orNull(i.ownerName)}, groupName:${orNull(i.groupName)}, mode:${mode}, limit:${orNull(i.limit)}, defaultReplication:${orNull(i.defaultReplication)}, maxRelativeExpiryMs:${orNull(i.maxRelativeExpiryMs)}}`;
}

/** A CacheDirectiveInfo as Java holds it (absent = null). */
export interface CacheDirectiveInfoText {
  id?: number | bigint | undefined;
  path?: string | undefined;
  replication?: number | undefined;
  pool?: string | undefined;
  expiration?: { millis: bigint; isRelative: boolean } | undefined;
}

/** CacheDirectiveInfo.toString: only the fields set, e.g. `{id: 1, path: /d, replication: 1, pool: p, expiration: ...}`. */
export function cacheDirectiveInfoString(i: CacheDirectiveInfoText): string {
  const parts: string[] = [];
  if (i.id !== undefined) parts.push(`id: ${i.id}`);
  if (i.path !== undefined) parts.push(`path: ${i.path}`);
  if (i.replication !== undefined) parts.push(`replication: ${i.replication}`);
  if (i.pool !== undefined) parts.push(`pool: ${i.pool}`);
  if (i.expiration !== undefined) parts.push(`expiration: ${expirationString(i.expiration)}`);
  return `{${parts.join(', ')}}`;
}
