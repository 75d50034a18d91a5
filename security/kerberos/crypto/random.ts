/**
 * Random keys (RFC 3961 section 3, random-to-key over fresh random bytes): session keys and
 * subkeys for the KDC side of tests and for GSS acceptor subkeys. Randomness comes from
 * node:crypto's CSPRNG unless a source is injected (for deterministic tests).
 */
import { randomBytes } from 'node:crypto';
import type { EncryptionKey } from '../types.ts';
import { getProfile } from './registry.ts';

export type RandomSource = (length: number) => Uint8Array;

/** A fresh random key of `etype`. */
export function randomKey(etype: number, random: RandomSource = randomBytes): EncryptionKey {
  const profile = getProfile(etype);
  return { etype, value: profile.randomToKey(random(profile.keyLength)) };
}
