/**
 * The DIGEST-MD5 security layer (RFC 2831 sections 2.3 and 2.4), byte-compatible with the JDK's
 * DigestMD5Base.DigestIntegrity / DigestPrivacy:
 *
 *   auth-int:  msg | HMAC-MD5(Ki, {seq, msg})[0..10] | 0x0001 | seq
 *   auth-conf: CIPHER(Kc, {msg, pad, HMAC-MD5(Ki, {seq, msg})[0..10]}) | 0x0001 | seq
 *
 * with seq a 4-byte big-endian per-direction counter starting at 0, Kic/Kis = MD5(H(A1), signing
 * magic) and Kcc/Kcs = MD5(H(A1)[0..n], sealing magic). Padding (block ciphers only) is 1..8
 * bytes of the pad length. The cipher state chains across messages (CBC / RC4 keystream), so
 * messages must be unwrapped in order. An empty message wraps to an empty token and back, as in
 * the JDK. After SASL_INTEGRITY the connection must be closed (the cipher state has moved on).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { SaslError } from '../../../../lib/errors/index.ts';
import type { Qop, SaslSecurityLayer } from '../../mechanism.ts';
import { md5 } from './digest.ts';
import { cipherSpec, createDigestCipher, type DigestCipherName, type StreamCipher } from './ciphers.ts';

const CLIENT_SIGN_MAGIC = 'Digest session key to client-to-server signing key magic constant';
const SERVER_SIGN_MAGIC = 'Digest session key to server-to-client signing key magic constant';
const CLIENT_SEAL_MAGIC = 'Digest H(A1) to client-to-server sealing key magic constant';
const SERVER_SEAL_MAGIC = 'Digest H(A1) to server-to-client sealing key magic constant';
const MESSAGE_TYPE = 0x0001;
const MAC_LEN = 10;
const TRAILER_LEN = 6; // message type (2) + sequence number (4)

export interface DigestKeys {
  readonly kic: Buffer;
  readonly kis: Buffer;
  readonly kcc?: Buffer;
  readonly kcs?: Buffer;
}

/** Derives the integrity keys and, for a cipher, the confidentiality keys from H(A1). */
export function deriveKeys(hA1: Uint8Array, cipher?: DigestCipherName): DigestKeys {
  const kic = md5(hA1, Buffer.from(CLIENT_SIGN_MAGIC));
  const kis = md5(hA1, Buffer.from(SERVER_SIGN_MAGIC));
  if (cipher === undefined) return { kic, kis };
  const n = cipherSpec(cipher)!.keyBytes;
  const head = hA1.subarray(0, n);
  return { kic, kis, kcc: md5(head, Buffer.from(CLIENT_SEAL_MAGIC)), kcs: md5(head, Buffer.from(SERVER_SEAL_MAGIC)) };
}

export interface DigestLayerOptions {
  readonly side: 'client' | 'server';
  readonly qop: Exclude<Qop, 'auth'>;
  readonly hA1: Uint8Array;
  readonly cipher?: DigestCipherName | undefined;
  readonly rawSendSize: number;
}

export class DigestSecurityLayer implements SaslSecurityLayer {
  readonly qop: Qop;
  readonly rawSendSize: number;
  /** The negotiated cipher for auth-conf. */
  readonly cipher: DigestCipherName | undefined;
  readonly #myKi: Buffer;
  readonly #peerKi: Buffer;
  readonly #enc: StreamCipher | undefined;
  readonly #dec: StreamCipher | undefined;
  #mySeq = 0;
  #peerSeq = 0;

  constructor(options: DigestLayerOptions) {
    this.qop = options.qop;
    this.rawSendSize = options.rawSendSize;
    const client = options.side === 'client';
    if (options.qop === 'auth-conf' && options.cipher === undefined) {
      throw new SaslError('SASL_STATE', 'DIGEST-MD5 auth-conf needs a negotiated cipher', { qop: options.qop });
    }
    this.cipher = options.qop === 'auth-conf' ? options.cipher : undefined;
    const keys = deriveKeys(options.hA1, this.cipher);
    this.#myKi = client ? keys.kic : keys.kis;
    this.#peerKi = client ? keys.kis : keys.kic;
    if (this.cipher !== undefined) {
      this.#enc = createDigestCipher(this.cipher, client ? keys.kcc! : keys.kcs!, 'encrypt');
      this.#dec = createDigestCipher(this.cipher, client ? keys.kcs! : keys.kcc!, 'decrypt');
    }
  }

  wrap(plaintext: Uint8Array): Uint8Array {
    if (plaintext.length === 0) return new Uint8Array(0);
    const seq = this.#mySeq;
    this.#mySeq = (this.#mySeq + 1) >>> 0;
    const mac = hmac(this.#myKi, seq, plaintext);
    const trailer = trailerBytes(seq);
    if (this.#enc === undefined) return Buffer.concat([plaintext, mac, trailer]);
    const bs = this.#enc.blockSize;
    const padLen = bs > 1 ? bs - ((plaintext.length + MAC_LEN) % bs) : 0;
    const sealed = this.#enc.update(Buffer.concat([plaintext, Buffer.alloc(padLen, padLen), mac]));
    return Buffer.concat([sealed, trailer]);
  }

  unwrap(token: Uint8Array): Uint8Array {
    if (token.length === 0) return new Uint8Array(0);
    return this.#dec === undefined ? this.#unwrapIntegrity(token) : this.#unwrapPrivacy(token);
  }

  #unwrapIntegrity(token: Uint8Array): Uint8Array {
    if (token.length < MAC_LEN + TRAILER_LEN) throw integrityError(`token of ${token.length} bytes is shorter than MAC and trailer`, this.qop);
    const msgEnd = token.length - MAC_LEN - TRAILER_LEN;
    const msg = token.subarray(0, msgEnd);
    const mac = token.subarray(msgEnd, msgEnd + MAC_LEN);
    const seq = readSeq(token);
    if (!timingSafeEqual(mac, hmac(this.#peerKi, seq, msg))) throw integrityError('MAC mismatch (message altered or wrong keys)', this.qop);
    this.#checkTrailer(token, seq);
    return Buffer.from(msg);
  }

  #unwrapPrivacy(token: Uint8Array): Uint8Array {
    const dec = this.#dec!;
    const sealedLen = token.length - TRAILER_LEN;
    if (sealedLen < MAC_LEN || (dec.blockSize > 1 && sealedLen % dec.blockSize !== 0)) {
      throw integrityError(`sealed part of ${sealedLen} bytes does not fit the ${this.cipher} cipher`, this.qop);
    }
    // The sequence number travels in the clear: check it before decrypting so a replayed or
    // reordered token is refused without moving the cipher chain on (the MAC still covers it).
    const seq = readSeq(token);
    this.#checkSequence(seq);
    const plain = dec.update(token.subarray(0, sealedLen));
    const body = plain.subarray(0, plain.length - MAC_LEN);
    const mac = plain.subarray(plain.length - MAC_LEN);
    let msgLen = body.length;
    if (dec.blockSize > 1) {
      const pad = body.length > 0 ? body[body.length - 1]! : 0;
      if (pad < 1 || pad > dec.blockSize || pad > body.length) throw integrityError('bad padding after decryption', this.qop);
      msgLen -= pad;
    }
    const msg = body.subarray(0, msgLen);
    if (!timingSafeEqual(mac, hmac(this.#peerKi, seq, msg))) throw integrityError('MAC mismatch after decryption (message altered or wrong keys)', this.qop);
    this.#checkTrailer(token, seq);
    return Buffer.from(msg);
  }

  #checkSequence(seq: number): void {
    if (seq === this.#peerSeq) return;
    const details = { qop: this.qop, expected: this.#peerSeq, received: seq };
    if (seq < this.#peerSeq) {
      throw new SaslError('SASL_REPLAY', `DIGEST-MD5 message replayed: sequence number ${seq} was already received (expected ${this.#peerSeq}); close the connection`, details);
    }
    throw new SaslError('SASL_SEQUENCE', `DIGEST-MD5 message out of order: sequence number ${seq}, expected ${this.#peerSeq}; close the connection`, details);
  }

  #checkTrailer(token: Uint8Array, seq: number): void {
    this.#checkSequence(seq);
    const type = (token[token.length - 6]! << 8) | token[token.length - 5]!;
    if (type !== MESSAGE_TYPE) throw integrityError(`message type ${type}, expected ${MESSAGE_TYPE}`, this.qop);
    this.#peerSeq = (this.#peerSeq + 1) >>> 0;
  }
}

function hmac(key: Buffer, seq: number, msg: Uint8Array): Buffer {
  const seqBytes = Buffer.alloc(4);
  seqBytes.writeUInt32BE(seq);
  return createHmac('md5', key).update(seqBytes).update(msg).digest().subarray(0, MAC_LEN);
}

function trailerBytes(seq: number): Buffer {
  const b = Buffer.alloc(TRAILER_LEN);
  b.writeUInt16BE(MESSAGE_TYPE, 0);
  b.writeUInt32BE(seq, 2);
  return b;
}

function readSeq(token: Uint8Array): number {
  const n = token.length;
  return ((token[n - 4]! << 24) | (token[n - 3]! << 16) | (token[n - 2]! << 8) | token[n - 1]!) >>> 0;
}

function integrityError(why: string, qop: Qop): SaslError {
  return new SaslError('SASL_INTEGRITY', `DIGEST-MD5 ${qop} message failed its integrity check: ${why}; close the connection`, { qop });
}
