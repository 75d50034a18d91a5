/**
 * The few Java formats Hadoop's command-line tools and messages (the quota exceptions) print
 * numbers and times with, so hsec's output reads the same: `String.format("%.Nf")` (Java rounds the
 * shortest decimal form of the double half up), StringUtils.TraditionalBinaryPrefix.long2String
 * (`1.50 GB`, `3 M`), StringUtils.byteDesc, StringUtils.formatPercent, and java.util.Date.toString
 * (`Sat Dec 05 07:52:00 UTC 2026`, in the local time zone).
 */

/** String.format("%.{places}f", x) for x >= 0. */
export function fixedHalfUp(x: number, places: number): string {
  const text = x.toString();
  if (text.includes('e-')) return (0).toFixed(places); // below 1e-6: zero at the places Hadoop prints
  if (text.includes('e')) return x.toFixed(places);
  const [int, frac = ''] = text.split('.');
  if (frac.length <= places) return places === 0 ? int! : `${int}.${frac.padEnd(places, '0')}`;
  const scaled = BigInt(`${int}${frac.slice(0, places)}`) + (frac[places]! >= '5' ? 1n : 0n);
  if (places === 0) return scaled.toString();
  const digits = scaled.toString().padStart(places + 1, '0');
  return `${digits.slice(0, -places)}.${digits.slice(-places)}`;
}

const SYMBOLS = ['K', 'M', 'G', 'T', 'P', 'E'];

/** StringUtils.TraditionalBinaryPrefix.long2String(n, unit, decimalPlaces). */
export function long2String(value: number | bigint, unit: string, decimalPlaces: number): string {
  let n = BigInt(value);
  const sign = n < 0n ? '-' : '';
  if (n < 0n) n = -n;
  if (n < 1024n) return `${sign}${n}${unit ? ` ${unit}` : ''}`;
  let i = 0;
  while (i < SYMBOLS.length && n >= 1n << BigInt(10 * (i + 1))) i++;
  let shift = BigInt(10 * i);
  if ((n & ((1n << shift) - 1n)) === 0n) return `${sign}${n >> shift} ${SYMBOLS[i - 1]}${unit}`;
  let s = fixedHalfUp(Number(n) / Number(1n << shift), decimalPlaces);
  let symbol = SYMBOLS[i - 1]!;
  if (s.startsWith('1024') && i < SYMBOLS.length) {
    // the special rounding-up case: 1023.999 K is 1.00 M
    shift += 10n;
    symbol = SYMBOLS[i]!;
    s = fixedHalfUp(Number(n) / Number(1n << shift), decimalPlaces);
  }
  return `${sign}${s} ${symbol}${unit}`;
}

/** StringUtils.byteDesc: long2String(len, "B", 2). */
export function byteDesc(bytes: number): string {
  return long2String(bytes, 'B', 2);
}

/** StringUtils.formatPercent(fraction, places): the fraction times 100, then `%`. */
export function formatPercent(fraction: number, places: number): string {
  return `${fixedHalfUp(fraction * 100, places)}%`;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** java.util.Date.toString: `EEE MMM dd HH:mm:ss zzz yyyy` in the local time zone. */
export function javaDate(ms: number, timeZone?: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', weekday: 'short', year: 'numeric', month: 'numeric', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', timeZoneName: 'short',
    }).formatToParts(new Date(ms)).map((p) => [p.type, p.value]),
  );
  const date = new Date(ms);
  const weekday = DAYS.indexOf(parts['weekday']!) >= 0 ? parts['weekday'] : DAYS[date.getDay()];
  const zone = parts['timeZoneName'] === 'GMT' && (timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone) === 'UTC' ? 'UTC' : parts['timeZoneName'];
  return `${weekday} ${MONTHS[Number(parts['month']) - 1]} ${parts['day']} ${parts['hour']}:${parts['minute']}:${parts['second']} ${zone} ${parts['year']}`;
}
