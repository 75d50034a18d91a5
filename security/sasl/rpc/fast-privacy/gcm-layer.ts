/**
 * The fast privacy record layer (docs/fast-privacy.md): each WRAP token is AES-256-GCM (NIST SP
 * 800-38D) of one piece of the IPC byte stream, ciphertext | 16-byte tag, under a key used for one
 * direction only (both keys come from the client's key message). The nonce is never sent: it is the direction and the count of tokens sent so far
 * under the key (4 bytes 00 00 00 direction | 8-byte big-endian counter, SP 800-38D 8.2.1's
 * deterministic construction), so a replayed, reordered, dropped, reflected or foreign token fails
 * authentication. Both sides count the same tokens and bytes, and after REKEY_AFTER_TOKENS tokens
 * or REKEY_AFTER_BYTES bytes under one key they both move to HKDF-SHA256(key, "hsec fast privacy
 * rekey") (RFC 5869) and restart the counter, long before the counter or GCM's data bounds matter.
 * A token that fails is fatal: the connection must close.
 */
import { createCipheriv, createDecipheriv, hkdfSync } from 'node:crypto';
import { SaslError } from '../../../../lib/errors/index.ts';
import type { UnwrapLayer, WrapLayer } from '../../../../lib/rpc/auth-hooks.ts';
import { KEY_BYTES } from './key-message.ts';

/** Which way a key protects traffic: the last byte of the nonce's fixed field. */
export const Direction = { CLIENT_TO_SERVER: 1, SERVER_TO_CLIENT: 2 } as const;
export type DirectionCode = (typeof Direction)[keyof typeof Direction];

const TAG_BYTES = 16;
const NONCE_BYTES = 12;
/** Largest plaintext per token: the same pieces as the SASL layers cut (64 KiB). */
export const FAST_PRIVACY_RAW_SEND_SIZE = 64 * 1024;
/** Tokens under one key before both sides rekey (2^24: far below the 2^64 nonces of the counter). */
export const REKEY_AFTER_TOKENS = 2 ** 24;
/**
 * Plaintext bytes under one key before both sides rekey (2^34 = 16 GiB, 2^30 AES blocks): the
 * confidentiality advantage of AES-GCM stays below 2^-60 (the bound TLS 1.3 uses in RFC 8446
 * section 5.5 for its own limit of 2^24.5 full records).
 */
export const REKEY_AFTER_BYTES = 2 ** 34;
const REKEY_INFO = Buffer.from('hsec fast privacy rekey', 'ascii');

export interface RekeyLimits {
  readonly tokens: number;
  readonly bytes: number;
}

const DEFAULT_LIMITS: RekeyLimits = { tokens: REKEY_AFTER_TOKENS, bytes: REKEY_AFTER_BYTES };

/** One direction's key, nonce counter and rekey accounting: identical on the sender and the receiver. */
class DirectionState {
  readonly #direction: DirectionCode;
  readonly #limits: RekeyLimits;
  #key: Buffer;
  #counter = 0;
  #bytes = 0;
  /** Keys used so far (1 = the key from the key message). */
  generation = 1;

  constructor(key: Uint8Array, direction: DirectionCode, limits: RekeyLimits) {
    if (key.length !== KEY_BYTES) throw new RangeError(`fast privacy key must be ${KEY_BYTES} bytes`);
    this.#key = Buffer.from(key);
    this.#direction = direction;
    this.#limits = limits;
  }

  get key(): Buffer {
    return this.#key;
  }

  get counter(): number {
    return this.#counter;
  }

  nonce(): Buffer {
    const n = Buffer.alloc(NONCE_BYTES);
    n[3] = this.#direction;
    n.writeUIntBE(Math.floor(this.#counter / 2 ** 32), 4, 4);
    n.writeUInt32BE(this.#counter >>> 0, 8);
    return n;
  }

  /** Accounts for one token of `plaintextBytes`; rekeys when a limit is reached. */
  advance(plaintextBytes: number): void {
    this.#counter++;
    this.#bytes += plaintextBytes;
    if (this.#counter >= this.#limits.tokens || this.#bytes >= this.#limits.bytes) {
      const next = Buffer.from(hkdfSync('sha256', this.#key, Buffer.alloc(0), REKEY_INFO, KEY_BYTES));
      this.#key.fill(0);
      this.#key = next;
      this.#counter = 0;
      this.#bytes = 0;
      this.generation++;
    }
  }
}

/** Seals what this side sends. */
export class GcmSendLayer implements WrapLayer {
  readonly qop = 'auth-conf';
  readonly rawSendSize = FAST_PRIVACY_RAW_SEND_SIZE;
  readonly #state: DirectionState;

  constructor(key: Uint8Array, direction: DirectionCode, limits: RekeyLimits = DEFAULT_LIMITS) {
    this.#state = new DirectionState(key, direction, limits);
  }

  /** Keys used so far (grows by one at each rekey). */
  get keyGeneration(): number {
    return this.#state.generation;
  }

  wrap(plaintext: Uint8Array): Uint8Array {
    const s = this.#state;
    const cipher = createCipheriv('aes-256-gcm', s.key, s.nonce());
    const body = cipher.update(plaintext);
    cipher.final();
    const token = Buffer.allocUnsafe(body.length + TAG_BYTES);
    token.set(body, 0);
    cipher.getAuthTag().copy(token, body.length);
    s.advance(plaintext.length);
    return token;
  }
}

/** Opens what the peer sends. */
export class GcmReceiveLayer implements UnwrapLayer {
  readonly qop = 'auth-conf';
  readonly #state: DirectionState;
  readonly #from: string;

  constructor(key: Uint8Array, direction: DirectionCode, from: 'client' | 'server', limits: RekeyLimits = DEFAULT_LIMITS) {
    this.#state = new DirectionState(key, direction, limits);
    this.#from = from;
  }

  get keyGeneration(): number {
    return this.#state.generation;
  }

  unwrap(token: Uint8Array): Uint8Array {
    const s = this.#state;
    if (token.length < TAG_BYTES) throw this.#failure(`is ${token.length} bytes, shorter than its ${TAG_BYTES}-byte tag`);
    const decipher = createDecipheriv('aes-256-gcm', s.key, s.nonce());
    decipher.setAuthTag(token.subarray(token.length - TAG_BYTES));
    const plaintext = decipher.update(token.subarray(0, token.length - TAG_BYTES));
    try {
      decipher.final();
    } catch {
      throw this.#failure('failed authentication: it was altered, replayed, reordered or dropped in transit, or comes from another connection');
    }
    s.advance(plaintext.length);
    return plaintext;
  }

  #failure(what: string): SaslError {
    return new SaslError('SASL_INTEGRITY', `hsec fast privacy: token ${this.#state.counter} (key ${this.#state.generation}) from the ${this.#from} ${what}; closing the connection`, {
      qop: this.qop,
      token: this.#state.counter,
    });
  }
}
