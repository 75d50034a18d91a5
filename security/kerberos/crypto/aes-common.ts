/**
 * Pieces shared by the AES profiles of RFC 3962 and RFC 8009: key-length checks, string-to-key
 * parameter parsing (s2kparams = 4-byte big-endian iteration count, RFC 3962 section 4 /
 * RFC 8009 section 4), UTF-8 conversion of passwords and salts, and the constant-time comparison
 * of integrity tags, and the confounder-plus-plaintext buffer both encrypt. Errors are KerberosError with stable codes and never carry key bytes.
 */
import { timingSafeEqual } from 'node:crypto';
import { KerberosError } from '../../../lib/errors/index.ts';
import { pooledRandomBytes } from '../../crypto/random-pool.ts';
import { ctsPaddedLength } from './cts.ts';

/** MIT refuses s2k iteration counts at or above 2^24 (lib/crypto/krb/s2k_pbkdf2.c); so do we. */
export const MAX_S2K_ITERATIONS = 0x1000000;

export function toBytes(value: string | Uint8Array): Buffer {
  return typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value);
}

export function checkKey(key: Uint8Array, keyLength: number, profile: string): void {
  if (key.length !== keyLength) {
    throw new KerberosError('KRB_BAD_FORMAT', `${profile} needs a ${keyLength}-byte key, got ${key.length} bytes; check that the key's enctype matches the profile`, {
      enctype: profile,
      expected: keyLength,
      actual: key.length,
    });
  }
}

/** Parses s2kparams (RFC 3962 section 4): absent means `defaultIterations`. */
export function iterationsFrom(params: Uint8Array | undefined, defaultIterations: number, profile: string): number {
  if (params === undefined || params.length === 0) return defaultIterations;
  if (params.length !== 4) {
    throw new KerberosError('KRB_BAD_FORMAT', `${profile} string-to-key parameters must be 4 bytes (iteration count), got ${params.length}`, { enctype: profile });
  }
  const iterations = Buffer.from(params).readUInt32BE(0);
  if (iterations === 0 || iterations >= MAX_S2K_ITERATIONS) {
    throw new KerberosError('KRB_BAD_FORMAT', `${profile} string-to-key iteration count ${iterations} is outside 1..${MAX_S2K_ITERATIONS - 1}; the KDC sent unusable s2kparams`, {
      enctype: profile,
      iterations,
    });
  }
  return iterations;
}

/** Encodes an iteration count as s2kparams. */
export function s2kParams(iterations: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(iterations, 0);
  return b;
}

/** Constant-time equality of two tags (false on length mismatch). */
export function tagsEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

export function integrityError(profile: string, usage: number): KerberosError {
  return new KerberosError('KRB_INTEGRITY', `${profile} decryption failed its integrity check (key usage ${usage}): wrong key or kvno, or the ciphertext was modified`, {
    enctype: profile,
    usage,
  });
}

export function tooShortError(profile: string, usage: number, length: number, minimum: number): KerberosError {
  return new KerberosError('KRB_BAD_FORMAT', `${profile} ciphertext of ${length} bytes is shorter than the minimum ${minimum} (confounder + checksum) for key usage ${usage}`, {
    enctype: profile,
    usage,
    length,
    minimum,
  });
}

/**
 * confounder | parts, zero-padded to a whole AES block for CTS (RFC 3962 section 5 / RFC 8009
 * section 5): the one copy of the plaintext. `length` is the unpadded length.
 */
export function confoundedPlaintext(parts: readonly Uint8Array[], confounder: Uint8Array | undefined, block: number): { padded: Buffer; length: number } {
  const conf = confounder ?? pooledRandomBytes(block);
  if (conf.length !== block) throw new RangeError(`confounder must be ${block} bytes`);
  let length = block;
  for (const p of parts) length += p.length;
  const padded = Buffer.allocUnsafe(ctsPaddedLength(length));
  padded.set(conf, 0);
  let at = block;
  for (const p of parts) {
    padded.set(p, at);
    at += p.length;
  }
  padded.fill(0, length);
  return { padded, length };
}
