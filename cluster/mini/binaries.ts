/**
 * Locating and running the external programs the mini fixtures drive (MIT Kerberos' krb5kdc,
 * kdb5_util, kadmin.local, kinit, klist; java for ZooKeeper). A missing program is a
 * MissingDependencyError that names the Debian package to install; a failing one is an error that
 * carries its exit code and the tail of its stderr. Used only by fixtures and `hsec start`.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { spawn } from 'node:child_process';
import { HsecError, MissingDependencyError } from '../../lib/errors/index.ts';

/** The Debian package that ships each program we run (Debian 12). */
export const DEBIAN_PACKAGE: Readonly<Record<string, string>> = {
  krb5kdc: 'krb5-kdc',
  kdb5_util: 'krb5-kdc',
  'kadmin.local': 'krb5-admin-server',
  kinit: 'krb5-user',
  klist: 'krb5-user',
  kdestroy: 'krb5-user',
  kvno: 'krb5-user',
  keyctl: 'keyutils',
  kcm: 'heimdal-kcm',
  unshare: 'util-linux',
  java: 'openjdk-17-jdk-headless',
  javac: 'openjdk-17-jdk-headless',
};

// MIT's admin programs live in sbin, which a non-root PATH often lacks.
const EXTRA_DIRS = ['/usr/sbin', '/sbin', '/usr/local/sbin', '/usr/bin', '/usr/local/bin'];

/** The absolute path of `name`, or undefined when it is not installed. */
export function whichBinary(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), ...EXTRA_DIRS];
  for (const dir of dirs) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; keep looking
    }
  }
  return undefined;
}

/** The absolute path of `name`; throws MissingDependencyError naming its Debian package. */
export function requireBinary(name: string): string {
  const found = whichBinary(name);
  if (found) return found;
  const pkg = DEBIAN_PACKAGE[name] ?? 'unknown';
  throw new MissingDependencyError(
    'MISSING_DEPENDENCY',
    `${name} is not installed: install the Debian package ${pkg} (or run \`npm run setup\`, which installs everything hsec's fixtures need)`,
    { binary: name, package: pkg },
  );
}

export interface RunResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number | null;
}

export interface RunOptions {
  readonly env?: NodeJS.ProcessEnv;
  /** Written to the program's stdin, which is then closed. */
  readonly input?: string;
  /** Kill the program after this many milliseconds (default 30000). */
  readonly timeoutMs?: number;
}

/** Runs a program to completion and collects its output; never throws for a non-zero exit. */
export function runProgram(file: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env: opts.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timeoutMs = opts.timeoutMs ?? 30_000;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new HsecError('TIMEOUT', `${file} did not finish within ${timeoutMs} ms`, { program: file, timeoutMs }));
    }, timeoutMs);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), code });
    });
    child.stdin.on('error', () => {
      // the program may exit before reading its input; its exit code tells the story
    });
    child.stdin.end(opts.input ?? '');
  });
}

/** The last `lines` lines of a text, for error messages. */
export function tail(text: string, lines = 20): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}
