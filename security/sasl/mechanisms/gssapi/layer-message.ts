/**
 * The RFC 4752 section 3.1 security-layer negotiation message, exchanged (inside a GSS Wrap token
 * without confidentiality) after the Kerberos context is established: octet 0 is a bit mask of
 * security layers (1 none, 2 integrity, 4 confidentiality), octets 1-3 a big-endian maximum
 * buffer size, and in the client's answer the rest is the UTF-8 authorization id. The server
 * offers every layer it allows; the client answers with exactly one. As in the JDK
 * (GssKrb5Client.doFinalHandshake), the client sends max buffer 0 when it chose no layer.
 */
import { SaslError } from '../../../../lib/errors/index.ts';
import type { Qop } from '../../mechanism.ts';

/** RFC 4752 section 3.1 security-layer bits. */
export const LAYER_BIT = {
  NONE: 1,
  INTEGRITY: 2,
  CONFIDENTIALITY: 4,
} as const;

const QOP_BIT: Readonly<Record<Qop, number>> = {
  auth: LAYER_BIT.NONE,
  'auth-int': LAYER_BIT.INTEGRITY,
  'auth-conf': LAYER_BIT.CONFIDENTIALITY,
};

/** Largest max-buffer value the 3-byte field holds. */
export const MAX_LAYER_BUFFER = 0xffffff;

export interface LayerMessage {
  /** LAYER_BIT mask. */
  readonly layers: number;
  /** Maximum buffer size (bytes) the sender can receive. */
  readonly maxBuffer: number;
  /** Client only: the authorization id ('' when absent). */
  readonly authorizationId: string;
}

export function qopsToMask(qops: readonly Qop[]): number {
  return qops.reduce((mask, q) => mask | QOP_BIT[q], 0);
}

/** The QOPs set in `mask`, strongest first (auth-conf, auth-int, auth). */
export function maskToQops(mask: number): Qop[] {
  const out: Qop[] = [];
  if (mask & LAYER_BIT.CONFIDENTIALITY) out.push('auth-conf');
  if (mask & LAYER_BIT.INTEGRITY) out.push('auth-int');
  if (mask & LAYER_BIT.NONE) out.push('auth');
  return out;
}

export function qopBit(qop: Qop): number {
  return QOP_BIT[qop];
}

export function encodeLayerMessage(m: LayerMessage): Buffer {
  if (m.maxBuffer < 0 || m.maxBuffer > MAX_LAYER_BUFFER) throw new RangeError(`max buffer ${m.maxBuffer} does not fit in 3 bytes`);
  const authz = Buffer.from(m.authorizationId, 'utf8');
  const out = Buffer.alloc(4 + authz.length);
  out[0] = m.layers;
  out.writeUIntBE(m.maxBuffer, 1, 3);
  authz.copy(out, 4);
  return out;
}

export function decodeLayerMessage(bytes: Uint8Array, from: 'client' | 'server'): LayerMessage {
  if (bytes.length < 4 || (from === 'server' && bytes.length !== 4)) {
    throw new SaslError(
      from === 'server' ? 'SASL_BAD_CHALLENGE' : 'SASL_BAD_RESPONSE',
      `GSSAPI security-layer message from the ${from} has ${bytes.length} bytes; RFC 4752 section 3.1 ` +
        `requires ${from === 'server' ? 'exactly 4' : 'at least 4'}`,
      { mechanism: 'GSSAPI', length: bytes.length },
    );
  }
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    layers: buf[0]!,
    maxBuffer: buf.readUIntBE(1, 3),
    authorizationId: buf.subarray(4).toString('utf8'),
  };
}
