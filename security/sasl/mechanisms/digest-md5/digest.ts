/**
 * The DIGEST-MD5 response-value computation (RFC 2831 section 2.1.2.1) and the session key H(A1)
 * that the security layer derives its keys from. `AUTHENTICATE` is the A2 prefix of the client's
 * response; the server's `rspauth` (2.1.3) uses an empty prefix. For auth-int and auth-conf A2
 * ends with ":00000000000000000000000000000000". Strings are encoded as the JDK does
 * (DigestMD5Base.stringToByte_8859_1): ISO-8859-1 unless charset=utf-8 was negotiated and a
 * character lies above U+00FF, then UTF-8.
 */
import { createHash } from 'node:crypto';
import type { Qop } from '../../mechanism.ts';

const SECURITY_LAYER_MARKER = ':00000000000000000000000000000000';

export function md5(...parts: Uint8Array[]): Buffer {
  const h = createHash('md5');
  for (const p of parts) h.update(p);
  return h.digest();
}

/** User name, realm and password bytes, per the negotiated charset (see file comment). */
export function encodeCredentialString(value: string, utf8: boolean): Buffer {
  if (utf8) {
    for (const ch of value) if (ch.codePointAt(0)! > 0xff) return Buffer.from(value, 'utf8');
  }
  return Buffer.from(value, 'latin1');
}

export interface ResponseValueInput {
  readonly digestUri: string;
  readonly qop: Qop;
  readonly username: string;
  readonly realm: string;
  readonly password: string;
  /** Raw (unquoted) nonce and cnonce bytes as sent on the wire. */
  readonly nonce: Uint8Array;
  readonly cnonce: Uint8Array;
  readonly nonceCount: number;
  /** UTF-8 bytes of the authzid, when the client sent one. */
  readonly authzid?: Uint8Array | undefined;
  readonly utf8: boolean;
}

/** H(A1) = MD5({ MD5({username:realm:password}), ":", nonce, ":", cnonce [, ":", authzid] }). */
export function sessionKey(input: ResponseValueInput): Buffer {
  const colon = Buffer.from(':');
  const inner = md5(
    encodeCredentialString(input.username, input.utf8),
    colon,
    encodeCredentialString(input.realm, input.utf8),
    colon,
    encodeCredentialString(input.password, input.utf8),
  );
  const parts: Uint8Array[] = [inner, colon, input.nonce, colon, input.cnonce];
  if (input.authzid !== undefined) parts.push(colon, input.authzid);
  return md5(...parts);
}

/** The 8 lower-case hex digits of a nonce count (RFC 2831 nc-value). */
export function nonceCountHex(count: number): string {
  return count.toString(16).padStart(8, '0');
}

/**
 * The 32 lower-case hex digits of a response-value. `prefix` is "AUTHENTICATE" for the client's
 * `response` and "" for the server's `rspauth`. Returns the value and H(A1).
 */
export function responseValue(prefix: 'AUTHENTICATE' | '', input: ResponseValueInput): { value: string; hA1: Buffer } {
  const a2 = `${prefix}:${input.digestUri}${input.qop === 'auth' ? '' : SECURITY_LAYER_MARKER}`;
  const hexA2 = md5(Buffer.from(a2, input.utf8 ? 'utf8' : 'latin1')).toString('hex');
  const hA1 = sessionKey(input);
  const colon = Buffer.from(':');
  const kd = md5(
    Buffer.from(hA1.toString('hex')),
    colon,
    input.nonce,
    colon,
    Buffer.from(nonceCountHex(input.nonceCount)),
    colon,
    input.cnonce,
    colon,
    Buffer.from(input.qop),
    colon,
    Buffer.from(hexA2),
  );
  return { value: kd.toString('hex'), hA1 };
}
