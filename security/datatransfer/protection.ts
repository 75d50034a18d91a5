/**
 * What a data-transfer connection carries after the handshake (Hadoop's
 * SaslParticipant.createStreamPair and DataTransferSaslUtil.createStreamPair): plain bytes (no
 * handshake, or QOP auth), SASL-wrapped frames (auth-int, or auth-conf without an AES option), or
 * AES/CTR (auth-conf with a negotiated option). For AES the option's keys are assigned per side:
 * the DataNode decrypts with inKey/inIv and encrypts with outKey/outIv, the client the other way
 * round ("in" = client to DataNode). Both directions start at stream position 0.
 */
import type { Qop, SaslSecurityLayer } from '../sasl/mechanism.ts';
import type { AesCtrOption } from './cipher-option.ts';

export type DataTransferSide = 'client' | 'server';

/** One direction of an AES/CTR stream. */
export interface StreamKey {
  readonly key: Buffer;
  readonly iv: Buffer;
}

export type DataTransferProtection =
  /** No SASL handshake (`qop` undefined), or one that negotiated `auth`: bytes pass unchanged. */
  | { readonly kind: 'plain'; readonly qop: 'auth' | undefined }
  /** SaslOutputStream / SaslInputStream framing through the DIGEST-MD5 security layer. */
  | { readonly kind: 'sasl'; readonly qop: 'auth-int' | 'auth-conf'; readonly layer: SaslSecurityLayer }
  /** CryptoOutputStream / CryptoInputStream with the negotiated AES/CTR keys. */
  | { readonly kind: 'aes-ctr'; readonly qop: 'auth-conf'; readonly keyBits: number; readonly encrypt: StreamKey; readonly decrypt: StreamKey };

/** No handshake took place (trusted channel, privileged port, security off). */
export const NO_PROTECTION: DataTransferProtection = Object.freeze({ kind: 'plain', qop: undefined });

/** The protection a completed SASL exchange and (optional) AES option give one side. */
export function protectionAfterSasl(side: DataTransferSide, layer: SaslSecurityLayer, option: AesCtrOption | undefined): DataTransferProtection {
  const qop: Qop = layer.qop;
  if (option !== undefined) {
    const serverSide = side === 'server';
    return {
      kind: 'aes-ctr',
      qop: 'auth-conf',
      keyBits: option.inKey.length * 8,
      encrypt: serverSide ? { key: option.outKey, iv: option.outIv } : { key: option.inKey, iv: option.inIv },
      decrypt: serverSide ? { key: option.inKey, iv: option.inIv } : { key: option.outKey, iv: option.outIv },
    };
  }
  if (qop === 'auth') return { kind: 'plain', qop: 'auth' };
  return { kind: 'sasl', qop, layer };
}

/** A short description for logs and events: never a key. */
export function describeProtection(p: DataTransferProtection): string {
  switch (p.kind) {
    case 'plain':
      return p.qop === undefined ? 'none (no SASL handshake)' : 'auth (no security layer)';
    case 'sasl':
      return `${p.qop} (SASL DIGEST-MD5 security layer)`;
    case 'aes-ctr':
      return `auth-conf with AES/CTR/NoPadding, ${p.keyBits}-bit keys`;
  }
}
