/**
 * KerberosTime (RFC 4120 section 5.2.3): GeneralizedTime "YYYYMMDDHHMMSSZ", UTC, no fractional
 * seconds; sub-second precision travels separately as Microseconds (cusec, susec, pausec).
 * The DER builder and reader are `ktime`/`asTime` in ./der.ts; these helpers split times.
 */
import { asTime, parseDer, toDer, ktime } from './der.ts';

/** Encodes a time (ms since the epoch, truncated to seconds) as a DER GeneralizedTime. */
export function encodeKerberosTime(ms: number): Buffer {
  return toDer(ktime(ms));
}

export function decodeKerberosTime(der: Uint8Array): number {
  return asTime(parseDer(der, 'KerberosTime'), 'KerberosTime');
}

/** Splits a time in ms into the whole-second KerberosTime (ms) and the Microseconds field. */
export function splitTime(ms: number): { time: number; usec: number } {
  const time = Math.floor(ms / 1000) * 1000;
  return { time, usec: Math.floor(ms - time) * 1000 };
}

