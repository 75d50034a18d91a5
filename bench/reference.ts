/**
 * What suites compare their figures with: `openssl speed` for a cipher (the machine's one-core
 * ceiling for it, measured in the same run) and the median of a sample list (interleaved rounds on
 * a shared machine are reported as medians).
 */
import { spawnSync } from 'node:child_process';

/**
 * `openssl speed -evp <cipher>` on 16 KiB blocks for one second, in MB/s (10^6 bytes) of one core
 * (openssl divides by its CPU user time), or undefined when openssl is missing or fails.
 */
export function opensslSpeed(cipher: string): number | undefined {
  const r = spawnSync('openssl', ['speed', '-evp', cipher, '-seconds', '1', '-bytes', '16384'], { encoding: 'utf8', timeout: 30000 });
  if (r.error || r.status !== 0) return undefined;
  const line = r.stdout.split('\n').find((l) => l.toLowerCase().startsWith(cipher.toLowerCase()));
  const m = line ? /([\d.]+)k\s*$/.exec(line.trim()) : null;
  return m ? Number(m[1]) / 1000 : undefined;
}

/** Median of a non-empty sample list. */
export function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
