/**
 * The fast privacy key message (docs/fast-privacy.md): the first thing the client sends after SASL
 * SUCCESS, in one WRAP protected by the negotiated SASL layer (GSSAPI or DIGEST-MD5 auth-conf), so
 * only the authenticated server can read it and nobody can alter, replay or replace it. It carries
 * a fresh random pre-shared key for the TLS 1.2 PSK channel that then protects the connection
 * (protected-channel.ts). Layout (38 bytes):
 *
 *   "HSFP" (4) | version 1 (1) | suite 1 = TLS 1.2 PSK-AES256-GCM-SHA384 (1) | psk (32)
 *
 * The magic is FAST_PRIVACY_KEY_MAGIC of lib/rpc/constants.ts: a server that did not agree to
 * switch reads it as an absurd frame length and refuses it. Pure codec.
 */
import { SaslError } from '../../../../lib/errors/index.ts';
import { FAST_PRIVACY_KEY_MAGIC } from '../../../../lib/rpc/constants.ts';

export const KEY_MESSAGE_VERSION = 1;
export const PSK_BYTES = 32;
/** Suite numbers inside the key message. */
export const SUITE_TLS12_PSK_AES256_GCM = 1;
const HEADER = FAST_PRIVACY_KEY_MAGIC.length + 2;
export const KEY_MESSAGE_BYTES = HEADER + PSK_BYTES;

export function encodeKeyMessage(psk: Uint8Array): Uint8Array {
  if (psk.length !== PSK_BYTES) throw new RangeError(`the fast privacy key is ${PSK_BYTES} bytes, got ${psk.length}`);
  const out = new Uint8Array(KEY_MESSAGE_BYTES);
  out.set(FAST_PRIVACY_KEY_MAGIC, 0);
  out[FAST_PRIVACY_KEY_MAGIC.length] = KEY_MESSAGE_VERSION;
  out[FAST_PRIVACY_KEY_MAGIC.length + 1] = SUITE_TLS12_PSK_AES256_GCM;
  out.set(psk, HEADER);
  return out;
}

function bad(reason: string, details: Readonly<Record<string, number>> = {}): SaslError {
  return new SaslError('SASL_STATE', `hsec fast privacy: the client's key message ${reason}; closing the connection`, details);
}

/** Decodes a key message into a copy of its key; any unexpected byte is an error. */
export function decodeKeyMessage(bytes: Uint8Array): Uint8Array {
  for (let i = 0; i < FAST_PRIVACY_KEY_MAGIC.length; i++) {
    if (bytes[i] !== FAST_PRIVACY_KEY_MAGIC[i]) {
      throw bad('does not start with HSFP: the client sent data where its key belongs (it did not see this server accept fast privacy; was the SUCCESS message altered?)');
    }
  }
  if (bytes.length !== KEY_MESSAGE_BYTES) throw bad(`has ${bytes.length} bytes, not ${KEY_MESSAGE_BYTES}`, { length: bytes.length });
  const version = bytes[FAST_PRIVACY_KEY_MAGIC.length]!;
  if (version !== KEY_MESSAGE_VERSION) throw bad(`has version ${version}; this side speaks version ${KEY_MESSAGE_VERSION}`, { version });
  const suite = bytes[FAST_PRIVACY_KEY_MAGIC.length + 1]!;
  if (suite !== SUITE_TLS12_PSK_AES256_GCM) throw bad(`names suite ${suite}; only ${SUITE_TLS12_PSK_AES256_GCM} (TLS 1.2 PSK-AES256-GCM-SHA384) exists`, { suite });
  // A copy (Uint8Array.from), not a view: Buffer's slice() is a view, and the caller wipes `bytes`.
  return Uint8Array.from(bytes.subarray(HEADER));
}
