/**
 * The fast privacy key message (docs/fast-privacy.md): the first thing the client sends after SASL
 * SUCCESS, in one WRAP protected by the negotiated SASL layer (GSSAPI or DIGEST-MD5 auth-conf), so
 * only the authenticated server can read it and nobody can alter, replay or replace it. It carries
 * two fresh random keys, one per direction. Layout (70 bytes):
 *
 *   "HSFP" (4) | version 1 (1) | suite 1 = AES-256-GCM (1) | client-to-server key (32) |
 *   server-to-client key (32)
 *
 * The magic is FAST_PRIVACY_KEY_MAGIC of lib/rpc/constants.ts: a server that did not agree to
 * switch reads it as an absurd frame length and refuses it. Pure codec.
 */
import { SaslError } from '../../../../lib/errors/index.ts';
import { FAST_PRIVACY_KEY_MAGIC } from '../../../../lib/rpc/constants.ts';

export const KEY_MESSAGE_VERSION = 1;
export const KEY_BYTES = 32;
/** Suite numbers inside the key message. */
export const SUITE_AES_256_GCM = 1;
const HEADER = FAST_PRIVACY_KEY_MAGIC.length + 2;
export const KEY_MESSAGE_BYTES = HEADER + 2 * KEY_BYTES;

export interface KeyMessage {
  readonly clientToServer: Uint8Array;
  readonly serverToClient: Uint8Array;
}

export function encodeKeyMessage(m: KeyMessage): Uint8Array {
  for (const k of [m.clientToServer, m.serverToClient]) {
    if (k.length !== KEY_BYTES) throw new RangeError(`fast privacy keys are ${KEY_BYTES} bytes, got ${k.length}`);
  }
  const out = new Uint8Array(KEY_MESSAGE_BYTES);
  out.set(FAST_PRIVACY_KEY_MAGIC, 0);
  out[FAST_PRIVACY_KEY_MAGIC.length] = KEY_MESSAGE_VERSION;
  out[FAST_PRIVACY_KEY_MAGIC.length + 1] = SUITE_AES_256_GCM;
  out.set(m.clientToServer, HEADER);
  out.set(m.serverToClient, HEADER + KEY_BYTES);
  return out;
}

function bad(reason: string, details: Readonly<Record<string, number>> = {}): SaslError {
  return new SaslError('SASL_STATE', `hsec fast privacy: the client's key message ${reason}; closing the connection`, details);
}

/** Decodes a key message; any unexpected byte is an error. */
export function decodeKeyMessage(bytes: Uint8Array): KeyMessage {
  for (let i = 0; i < FAST_PRIVACY_KEY_MAGIC.length; i++) {
    if (bytes[i] !== FAST_PRIVACY_KEY_MAGIC[i]) {
      throw bad('does not start with HSFP: the client sent data where its key belongs (it did not see this server accept fast privacy; was the SUCCESS message altered?)');
    }
  }
  if (bytes.length !== KEY_MESSAGE_BYTES) throw bad(`has ${bytes.length} bytes, not ${KEY_MESSAGE_BYTES}`, { length: bytes.length });
  const version = bytes[FAST_PRIVACY_KEY_MAGIC.length]!;
  if (version !== KEY_MESSAGE_VERSION) throw bad(`has version ${version}; this side speaks version ${KEY_MESSAGE_VERSION}`, { version });
  const suite = bytes[FAST_PRIVACY_KEY_MAGIC.length + 1]!;
  if (suite !== SUITE_AES_256_GCM) throw bad(`names suite ${suite}; only ${SUITE_AES_256_GCM} (AES-256-GCM) exists`, { suite });
  // Copies (Uint8Array.from), not views: Buffer's slice() is a view, and the caller wipes `bytes`.
  return { clientToServer: Uint8Array.from(bytes.subarray(HEADER, HEADER + KEY_BYTES)), serverToClient: Uint8Array.from(bytes.subarray(HEADER + KEY_BYTES)) };
}
