/**
 * Base64 as Hadoop uses it (RFC 4648 §4 and §5; Token.encodeToUrlString): Token URL strings are
 * commons-codec `Base64(0, null, urlSafe=true)` output — alphabet `A-Z a-z 0-9 - _`, no `=` padding, no line
 * breaks; SASL names, cookies and shuffle hashes use the standard padded alphabet. The decoder is
 * lenient like commons-codec's: it accepts both alphabets, with or without padding, and skips
 * whitespace; any other character is a PROTOCOL_MALFORMED error (commons-codec silently drops
 * them; we reject so a mangled token is reported rather than half-decoded).
 */
import { malformed } from './errors.ts';

/** Standard alphabet, padded (RFC 4648 §4). */
export function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** URL-safe alphabet, unpadded (RFC 4648 §5; commons-codec urlSafe mode). */
export function encodeBase64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}

const VALID = /^[A-Za-z0-9+/\-_]*={0,2}$/;

/** Decodes standard or URL-safe base64, padded or not. */
export function decodeBase64(text: string): Uint8Array {
  const compact = text.replace(/[\s]/g, '');
  if (!VALID.test(compact)) throw malformed('base64', 'unexpected character');
  const body = compact.replace(/=+$/, '');
  if (body.length % 4 === 1) throw malformed('base64', 'impossible length');
  const std = body.replace(/-/g, '+').replace(/_/g, '/');
  return new Uint8Array(Buffer.from(std, 'base64'));
}
