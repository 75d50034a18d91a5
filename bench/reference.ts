/**
 * What suites share: `openssl speed` for a cipher (the machine's one-core ceiling for it, measured
 * in the same run), the median of a sample list (interleaved rounds on a shared machine are
 * reported as medians), running a suite file as a child process (a fresh heap per measurement),
 * and a full garbage collection on demand (memory figures of what a process retains).
 */
import { spawn, spawnSync } from 'node:child_process';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

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

/**
 * Runs `file` (a suite that also works as a script) as a child with `args` under tsx; resolves
 * with its last stdout line (its JSON answer), rejects naming `what` with the output's tail.
 * Killed after 15 minutes.
 */
export function runChild(file: string, args: readonly string[], what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', file, ...args], {
      env: { ...process.env, HSEC_LOG_LEVEL: process.env['HSEC_LOG_LEVEL'] ?? 'warn' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    p.stdout.on('data', (b: Buffer) => (out += b.toString('utf8')));
    const timer = setTimeout(() => p.kill('SIGKILL'), 15 * 60_000);
    p.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(out.trim().split('\n').pop() ?? '');
      else reject(new Error(`${what} failed (${signal ?? code}): ${out.slice(-2000)}`));
    });
  });
}

let gc: (() => void) | undefined;

/**
 * A full garbage collection now. The first call exposes V8's `gc` (node:v8, instead of restarting
 * the process with --expose-gc), so suites that never call it run with the flags they started with.
 */
export function collectGarbage(): void {
  if (!gc) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
}
