/**
 * The DIGEST-MD5 directive-list codec (RFC 2831 section 7.1 `#rule` lists and 7.2 quoted-string):
 * `key=value` or `key="quoted value"` separated by commas and optional linear white space, empty
 * list elements allowed, `\` escaping one character inside quotes. Values stay bytes: their charset
 * (ISO-8859-1 or UTF-8) is decided by the caller from the `charset` directive. Parsing follows the
 * same acceptance rules as the JDK's DigestMD5Base.parseDirectives so both accept the same inputs.
 */
import { SaslError } from '../../../../lib/errors/index.ts';
import type { ErrorCode } from '../../../../lib/errors/index.ts';

/** One directive as it appeared on the wire; repeated keys (realm) appear once each. */
export interface Directive {
  /** Lower-cased key. */
  readonly key: string;
  readonly value: Buffer;
}

const CR = 13, LF = 10, SP = 32, HT = 9, QUOTE = 34, BACKSLASH = 92, COMMA = 44, EQUALS = 61;

function isLws(b: number): boolean {
  return b === CR || b === LF || b === SP || b === HT;
}

function skipLws(buf: Uint8Array, i: number): number {
  while (i < buf.length && isLws(buf[i]!)) i++;
  return i;
}

/**
 * Parses a directive list. `code` is the error code for malformed input (SASL_BAD_CHALLENGE when
 * parsing what a server sent, SASL_BAD_RESPONSE for a client's response).
 */
export function parseDirectives(buf: Uint8Array, code: ErrorCode): Directive[] {
  const out: Directive[] = [];
  const fail = (why: string, key?: string): never => {
    throw new SaslError(code, `Malformed DIGEST-MD5 ${code === 'SASL_BAD_CHALLENGE' ? 'challenge' : 'response'}: ${why}`, key ? { directive: key } : {});
  };
  let i = skipLws(buf, 0);
  while (i < buf.length) {
    if (buf[i] === COMMA) {
      i = skipLws(buf, i + 1); // empty element
      continue;
    }
    // key
    const keyStart = i;
    while (i < buf.length && buf[i] !== EQUALS && buf[i] !== COMMA && !isLws(buf[i]!)) i++;
    const key = Buffer.from(buf.subarray(keyStart, i)).toString('latin1').toLowerCase();
    i = skipLws(buf, i);
    if (i >= buf.length || buf[i] !== EQUALS) fail(`'=' expected after directive key "${key}"`, key);
    if (key === '') fail('empty directive key');
    i = skipLws(buf, i + 1);
    if (i >= buf.length) fail(`directive "${key}" has no value`, key);
    const bytes: number[] = [];
    if (buf[i] === QUOTE) {
      i++;
      let closed = false;
      while (i < buf.length) {
        const b = buf[i]!;
        if (b === BACKSLASH) {
          if (i + 1 >= buf.length) break;
          bytes.push(buf[i + 1]!);
          i += 2;
        } else if (b === QUOTE) {
          i++;
          closed = true;
          break;
        } else {
          bytes.push(b);
          i++;
        }
      }
      if (!closed) fail(`unmatched quote in the value of "${key}"`, key);
      i = skipLws(buf, i);
      if (i < buf.length && buf[i] !== COMMA) fail(`comma expected after the quoted value of "${key}"`, key);
    } else {
      while (i < buf.length && buf[i] !== COMMA && !isLws(buf[i]!)) {
        if (buf[i] === QUOTE) fail(`stray quote in the value of "${key}"`, key);
        bytes.push(buf[i]!);
        i++;
      }
      i = skipLws(buf, i);
      if (i < buf.length && buf[i] !== COMMA) fail(`comma expected after the value of "${key}"`, key);
    }
    out.push({ key, value: Buffer.from(bytes) });
    if (i < buf.length) i = skipLws(buf, i + 1);
  }
  return out;
}

/** True for bytes RFC 2831 7.2 requires to be escaped inside a quoted string (JDK: needEscape). */
function needsEscape(b: number): boolean {
  return b === QUOTE || b === BACKSLASH || b === 127 || (b <= 31 && b !== CR && b !== HT && b !== LF);
}

/** The bytes of a quoted-string value: `"` + escaped value + `"`. */
export function quoted(value: Uint8Array): Buffer {
  const bytes: number[] = [QUOTE];
  for (const b of value) {
    if (needsEscape(b)) bytes.push(BACKSLASH);
    bytes.push(b);
  }
  bytes.push(QUOTE);
  return Buffer.from(bytes);
}

/** Builds a directive list in the given order; `quote` says whether each value is a quoted-string. */
export function encodeDirectives(items: ReadonlyArray<{ key: string; value: Uint8Array | string; quote: boolean }>): Buffer {
  const parts: Buffer[] = [];
  items.forEach((item, n) => {
    if (n > 0) parts.push(Buffer.from(','));
    parts.push(Buffer.from(`${item.key}=`, 'latin1'));
    const value = typeof item.value === 'string' ? Buffer.from(item.value, 'latin1') : Buffer.from(item.value);
    parts.push(item.quote ? quoted(value) : value);
  });
  return Buffer.concat(parts);
}

/**
 * Indexes parsed directives: at most one of each key, except those in `multi` (realm in a
 * challenge) which collect every occurrence. A duplicate single-valued key throws `code`.
 */
export function indexDirectives(list: readonly Directive[], code: ErrorCode, multi: readonly string[] = []): Map<string, Buffer[]> {
  const map = new Map<string, Buffer[]>();
  for (const d of list) {
    const seen = map.get(d.key);
    if (seen && !multi.includes(d.key)) {
      throw new SaslError(code, `Malformed DIGEST-MD5 ${code === 'SASL_BAD_CHALLENGE' ? 'challenge' : 'response'}: directive "${d.key}" appears more than once`, {
        directive: d.key,
      });
    }
    if (seen) seen.push(d.value);
    else map.set(d.key, [d.value]);
  }
  return map;
}
