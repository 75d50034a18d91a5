/**
 * The Linux kernel keyring through the keyutils `keyctl` tool. Node.js has no binding for the
 * keyctl(2) / add_key(2) system calls and hsec ships no native addon, so every keyring operation
 * is one small POSIX sh script (./keyring-script.ts) run with `keyctl` commands, taking its inputs
 * as arguments (never interpolated) and printing key ids and base64 payloads for us to parse.
 *
 * Possession: the kernel grants search/read/write on a key to a process that "possesses" it
 * through its thread, process or session keyring. The script inherits our session keyring, which
 * gives it the session anchor (and the user keyring linked from the user session keyring). For the
 * persistent and user anchors MIT links the anchor into its own process keyring; a child cannot do
 * that for us, so those scripts run under `keyctl session -` (a throwaway session keyring) and link
 * the anchor into it first (`keyctl get_persistent @s UID`, `keyctl link @u @s`). The process and
 * thread anchors belong to one process's own keyrings, which no helper process can reach.
 */
import { spawn } from 'node:child_process';
import { KerberosError, MissingDependencyError } from '../../../../lib/errors/index.ts';

export interface ScriptResult {
  readonly stdout: string;
  readonly stderr: string;
}

/** Whether the script must run in its own session keyring to possess its anchor. */
export type Possession = 'inherit' | 'own-session';

const TIMEOUT_MS = 20_000;

/** Runs `script` under sh with `args` ($1...); resolves with its output, rejects with a typed error. */
export function runKeyctlScript(script: string, args: readonly string[], possession: Possession, what: string): Promise<ScriptResult> {
  const [file, argv] = possession === 'own-session' ? ['keyctl', ['session', '-', 'sh', '-c', script, 'hsec-keyring', ...args]] : ['sh', ['-c', script, 'hsec-keyring', ...args]];
  return new Promise((resolve, reject) => {
    let child;
    try {
      child = spawn(file, argv, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
    } catch (e) {
      reject(spawnError(e, what));
      return;
    }
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(spawnError(e, what));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8').replace(/^Joined session keyring: \d+\n/m, '');
      if (code === 0) return resolve({ stdout, stderr });
      reject(scriptError(code, signal, stderr, what));
    });
  });
}

function spawnError(e: unknown, what: string): Error {
  if ((e as NodeJS.ErrnoException).code === 'ENOENT') return missingKeyctl(what);
  return new KerberosError('KRB_CCACHE', `cannot run keyctl to ${what}: ${(e as Error).message}`, { ccacheType: 'KEYRING' }, { cause: e });
}

function missingKeyctl(what: string): MissingDependencyError {
  return new MissingDependencyError('MISSING_DEPENDENCY', `KEYRING credential caches need the keyctl tool (to ${what}): install keyutils (Debian: apt-get install keyutils)`, { program: 'keyctl', package: 'keyutils' });
}

function scriptError(code: number | null, signal: NodeJS.Signals | null, stderr: string, what: string): Error {
  if (code === 127 && /keyctl: (not found|No such file)/.test(stderr)) return missingKeyctl(what);
  const detail = stderr.trim().split('\n').filter(Boolean).slice(-3).join('; ') || (signal ? `killed by ${signal}` : `exit ${code}`);
  // A kernel without keyrings, or a container whose seccomp profile forbids keyctl(2).
  if (/Function not implemented|Operation not permitted|not supported/i.test(detail)) {
    return new KerberosError('KRB_CCACHE', `the kernel keyring is not available here (${detail}) while trying to ${what}: containers often block keyctl(2); use a FILE:, DIR: or KCM: cache instead`, { ccacheType: 'KEYRING', reason: detail });
  }
  return new KerberosError('KRB_CCACHE', `cannot ${what}: keyctl failed (${detail})`, { ccacheType: 'KEYRING', reason: detail });
}
