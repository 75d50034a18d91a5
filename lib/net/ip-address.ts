/**
 * IP addresses and prefixes as 128-bit values (four big-endian 32-bit words), for matching client
 * addresses against lists (lib/net/address-trie.ts). IPv4 is represented as its IPv4-mapped IPv6
 * address (RFC 4291 section 2.5.5.2, `::ffff:a.b.c.d`), so `10.1.2.3` and `::ffff:10.1.2.3` are the
 * same value, as the JDK treats them (`InetAddress.getByName("::ffff:10.1.2.3")` is an
 * Inet4Address) and as a dual-stack Node socket reports IPv4 peers. An IPv4 prefix `a.b.c.d/n` is
 * the mapped prefix of length 96 + n.
 *
 * Parsing is strict and allocation-free for lookups: dotted quads without leading zeros (as
 * `net.isIPv4`), RFC 4291 section 2.2 text forms for IPv6 (`::` once, an embedded dotted quad last),
 * an optional zone (`%eth0`, ignored: the JDK's `Inet6Address.equals` ignores scope too).
 */

/** Four big-endian 32-bit words (as int32); index 0 holds the most significant bits. */
export type IpWords = Int32Array;

/** Prefix length at which the IPv4-mapped range ::ffff:0:0/96 starts (IPv4 /n = 96 + n). */
export const IPV4_MAPPED_PREFIX_LENGTH = 96;

/** An address prefix in the 128-bit space: host bits zero. */
export interface IpPrefix {
  readonly words: IpWords;
  /** 0..128; an IPv4 prefix /n has length 96 + n. */
  readonly length: number;
}

/** True when `words` lies in ::ffff:0:0/96, i.e. is an IPv4 address. */
export function isIpv4(words: IpWords): boolean {
  return words[0] === 0 && words[1] === 0 && words[2] === 0xffff;
}

/**
 * Parses a textual IPv4 or IPv6 address into `out` (reused by callers on hot paths). Returns `out`,
 * or undefined when `text` is not an address (then `out` holds garbage).
 */
export function parseIp(text: string, out: IpWords = new Int32Array(4)): IpWords | undefined {
  const v4 = parseIpv4(text, 0, text.length);
  if (v4 >= 0) {
    out[0] = 0;
    out[1] = 0;
    out[2] = 0xffff;
    out[3] = v4 | 0;
    return out;
  }
  return parseIpv6(text, out) ? out : undefined;
}

/** A dotted quad as an unsigned 32-bit number, or -1 when `text` is not one (IPv6 forms included). */
export function parseIpv4Text(text: string): number {
  return parseIpv4(text, 0, text.length);
}

/**
 * Parses `address/length` (IPv4: length 0..32, IPv6: 0..128). Host bits are cleared, as commons-net
 * SubnetUtils (Hadoop's MachineList) does with `10.1.2.3/8` -> 10.0.0.0/8. Returns the reason when
 * the text is not a prefix.
 */
export function parseIpPrefix(text: string): IpPrefix | { readonly error: string } {
  const slash = text.lastIndexOf('/');
  if (slash < 0) return { error: 'no "/" prefix length' };
  const addressText = text.slice(0, slash);
  const lengthText = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(lengthText)) return { error: `prefix length "${lengthText}" is not a number` };
  if (addressText.includes('%')) return { error: 'a prefix cannot carry a zone (%...)' };
  const words = parseIp(addressText);
  if (!words) return { error: `"${addressText}" is not an IPv4 or IPv6 address` };
  const dotted = !addressText.includes(':');
  const max = dotted ? 32 : 128;
  const n = Number(lengthText);
  if (n > max) return { error: `prefix length ${n} exceeds ${max}` };
  const length = dotted ? IPV4_MAPPED_PREFIX_LENGTH + n : n;
  maskInPlace(words, length);
  return { words, length };
}

/** Clears every bit after the first `length` bits. */
export function maskInPlace(words: IpWords, length: number): void {
  for (let w = 0; w < 4; w++) {
    const keep = Math.min(32, Math.max(0, length - 32 * w));
    words[w] = keep === 0 ? 0 : keep === 32 ? words[w]! : words[w]! & ~(0xffffffff >>> keep);
  }
}

/** Formats words as text: dotted quad for IPv4 (mapped), else the full 8-group IPv6 form (for messages). */
export function formatIp(words: IpWords): string {
  if (isIpv4(words)) {
    const v = words[3]! >>> 0;
    return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
  }
  const groups: string[] = [];
  for (let w = 0; w < 4; w++) groups.push(((words[w]! >>> 16) & 0xffff).toString(16), (words[w]! & 0xffff).toString(16));
  return groups.join(':');
}

/** Dotted quad in text[start, end) as an unsigned number, or -1; octets 0-255 without leading zeros. */
function parseIpv4(text: string, start: number, end: number): number {
  if (end - start < 7 || end - start > 15) return -1;
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = start; i < end; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d >= 0 && d <= 9) {
      if (digits !== 0 && octet === 0) return -1; // leading zero
      octet = octet * 10 + d;
      digits++;
    } else if (d === -2 /* '.' */) {
      if (digits === 0 || octet > 255 || dots === 3) return -1;
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
      dots++;
    } else {
      return -1;
    }
  }
  if (digits === 0 || octet > 255 || dots !== 3) return -1;
  return value * 256 + octet;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

// Scratch for parseIpv6 (synchronous, so one set suffices): the groups as written, then all eight.
const written = new Array<number>(8).fill(0);
const expanded = new Array<number>(8).fill(0);

/** RFC 4291 section 2.2 text into out; groups are collected before and after "::". */
function parseIpv6(text: string, out: IpWords): boolean {
  let end = text.indexOf('%');
  if (end === 0) return false;
  if (end < 0) end = text.length;
  if (end < 2) return false;
  const groups = written;
  let count = 0;
  let gap = -1; // group index where "::" stands
  let i = 0;
  if (text.charCodeAt(0) === 58) {
    if (text.charCodeAt(1) !== 58) return false;
    gap = 0;
    i = 2;
    if (i === end) return fill(groups, count, gap, out);
  }
  for (;;) {
    // one group: up to 4 hex digits, or a dotted quad when it is the last part
    let value = 0;
    let digits = 0;
    const groupStart = i;
    while (i < end) {
      const h = hexValue(text.charCodeAt(i));
      if (h < 0) break;
      value = value * 16 + h;
      digits++;
      i++;
    }
    if (i < end && text.charCodeAt(i) === 46) {
      // embedded IPv4 takes the last two groups
      if (count > 6) return false;
      const v4 = parseIpv4(text, groupStart, end);
      if (v4 < 0) return false;
      groups[count++] = Math.floor(v4 / 65536);
      groups[count++] = v4 % 65536;
      return fill(groups, count, gap, out);
    }
    if (digits === 0 || digits > 4 || count >= 8) return false;
    groups[count++] = value;
    if (i === end) return fill(groups, count, gap, out);
    if (text.charCodeAt(i) !== 58) return false;
    i++;
    if (i < end && text.charCodeAt(i) === 58) {
      if (gap >= 0) return false; // "::" only once
      gap = count;
      i++;
      if (i === end) return fill(groups, count, gap, out);
    } else if (i === end) {
      return false; // trailing single ':'
    }
  }
}

function fill(groups: number[], count: number, gap: number, out: IpWords): boolean {
  if (gap < 0 ? count !== 8 : count > 7) return false;
  const full = expanded.fill(0);
  const tail = gap < 0 ? 0 : count - gap;
  for (let g = 0; g < count - tail; g++) full[g] = groups[g]!;
  for (let g = 0; g < tail; g++) full[8 - tail + g] = groups[count - tail + g]!;
  for (let w = 0; w < 4; w++) out[w] = ((full[2 * w]! << 16) | full[2 * w + 1]!) | 0;
  return true;
}

/**
 * An address as Java's `InetAddress.getHostAddress()` writes it in Hadoop's messages: an
 * IPv4-mapped address as its dotted quad (the JDK makes it an Inet4Address), IPv6 as eight groups;
 * text that is no address is returned as is.
 */
export function javaHostAddress(text: string): string {
  const words = parseIp(text);
  return words ? formatIp(words) : text;
}
