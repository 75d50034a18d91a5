/**
 * A real small file system to fill up or make read-only (tmpfs, mounted by the test; root or
 * CAP_SYS_ADMIN needed, as CI has; elsewhere the suite skips loudly, or fails under CI=true).
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireBinariesOrSkip, skipOrFail } from './binaries.ts';

/** A tmpfs of `size` at a new temp dir; skips (or fails in CI) where mounting is not allowed. */
export function mountTmpfs(ctx: Mocha.Context, size: string): string {
  requireBinariesOrSkip(ctx, 'mount', 'umount');
  const dir = mkdtempSync(join(tmpdir(), 'hsec-tmpfs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0755`, 'tmpfs', dir], { stdio: 'pipe', timeout: 10_000 });
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    skipOrFail(ctx, `cannot mount a tmpfs to fill up (needs root or CAP_SYS_ADMIN): ${(e as Error).message.split('\n')[0]}`);
  }
  return dir;
}

export function unmount(dir: string | undefined): void {
  if (!dir) return;
  try {
    execFileSync('umount', [dir], { stdio: 'pipe', timeout: 10_000 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function remount(dir: string, mode: 'ro' | 'rw'): void {
  execFileSync('mount', ['-o', `remount,${mode}`, dir], { stdio: 'pipe', timeout: 10_000 });
}

/** Fills the file system of `dir` with a filler file until ENOSPC; returns the filler's path. */
export function fillUp(dir: string): string {
  const filler = join(dir, 'filler');
  const fd = openSync(filler, 'w');
  const chunk = Buffer.alloc(4096, 0x5a);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
  } finally {
    closeSync(fd);
  }
  return filler;
}

