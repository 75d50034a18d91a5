/**
 * Random bytes for small per-message values (Kerberos confounders, RFC 3961 section 5.3): drawn
 * from node:crypto's CSPRNG 4 KiB at a time, because one randomBytes call costs more than
 * encrypting a small message. Every byte is handed out once; a pool is never refilled in place
 * (a new one replaces it), so the views returned stay valid and distinct.
 */
import { randomBytes } from 'node:crypto';

const POOL_BYTES = 4096;
const MAX_DRAW = 256;

let pool = Buffer.alloc(0);
let used = 0;

/** `n` fresh random bytes (a view into the pool for small n). */
export function pooledRandomBytes(n: number): Buffer {
  if (n > MAX_DRAW) return randomBytes(n);
  if (used + n > pool.length) {
    pool = randomBytes(POOL_BYTES);
    used = 0;
  }
  const out = pool.subarray(used, used + n);
  used += n;
  return out;
}
