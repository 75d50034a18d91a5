/**
 * A long-running child process owned by a fixture (krb5kdc, the ZooKeeper JVM): spawned with its
 * output appended to a log file, tracked by pid, stopped by pid (SIGTERM, then SIGKILL after a
 * grace period), and killed on our own process exit or on an unhandled SIGINT/SIGTERM/SIGHUP, so
 * an interrupted or crashed test run leaves nothing behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';
import { tail } from './binaries.ts';

const live = new Set<ManagedProcess>();
const cleanups = new Set<() => void>();
let exitHookInstalled = false;

function killAll(): void {
  for (const p of live) p.killNow();
  for (const cleanup of cleanups) {
    try {
      cleanup();
    } catch {
      // best effort while dying
    }
  }
  cleanups.clear();
}

/**
 * Registers a synchronous cleanup (e.g. removing a fixture's temp dir) to run if we exit or are
 * interrupted before the owner stops normally; returns the function that unregisters it.
 */
export function registerExitCleanup(cleanup: () => void): () => void {
  installExitHook();
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}

/**
 * On a terminating signal nobody else handles (our children run in their own process groups, so a
 * terminal's Ctrl-C does not reach them), kill the children and re-raise the signal so we still
 * die of it. When another listener exists (`hsec start`, mocha) it owns the shutdown; such an
 * owner must listen with `process.on` (a `once` listener is removed before it runs).
 */
function onSignal(sig: NodeJS.Signals): void {
  if (process.listenerCount(sig) > 1) return;
  killAll();
  process.removeListener(sig, onSignal);
  process.kill(process.pid, sig);
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // 'exit' handlers must be synchronous: a SIGKILL by pid is the one thing we can still do.
  process.on('exit', killAll);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, onSignal);
}

/** True when a process with this pid exists (signal 0 probes without delivering anything). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class ManagedProcess {
  readonly pid: number;
  readonly logPath: string;
  readonly name: string;
  #exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  #exited: Promise<void>;

  private constructor(name: string, child: ChildProcess, logPath: string) {
    this.name = name;
    this.pid = child.pid ?? -1;
    this.logPath = logPath;
    this.#exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.#exit = { code, signal };
        live.delete(this);
        resolve();
      });
    });
  }

  /** Spawns `file args` with stdout and stderr appended to `logPath`. */
  static spawn(name: string, file: string, args: readonly string[], opts: { env: NodeJS.ProcessEnv; cwd?: string; logPath: string }): ManagedProcess {
    const fd = openSync(opts.logPath, 'a', 0o600);
    try {
      // Own process group: a terminal's Ctrl-C reaches only us, and we stop the child in order.
      const child = spawn(file, args, { env: opts.env, cwd: opts.cwd, stdio: ['ignore', fd, fd], detached: true });
      if (child.pid === undefined) throw new Error(`could not spawn ${file}`);
      const managed = new ManagedProcess(name, child, opts.logPath);
      live.add(managed);
      installExitHook();
      return managed;
    } finally {
      closeSync(fd);
    }
  }

  /** Undefined while running; otherwise how it ended, e.g. `exit code 1` or `signal SIGTERM`. */
  get exitStatus(): string | undefined {
    if (!this.#exit) return undefined;
    return this.#exit.signal ? `signal ${this.#exit.signal}` : `exit code ${this.#exit.code}`;
  }

  /** The last lines of the process log, for error messages. */
  logTail(lines = 20): string {
    try {
      return tail(readFileSync(this.logPath, 'utf8'), lines);
    } catch {
      return '(no log)';
    }
  }

  /** SIGTERM, wait up to `graceMs`, then SIGKILL; resolves once the process is gone. */
  async stop(graceMs = 5000): Promise<void> {
    if (this.#exit) return;
    this.#signal('SIGTERM');
    const timer = setTimeout(() => this.#signal('SIGKILL'), graceMs);
    await this.#exited;
    clearTimeout(timer);
  }

  /** Synchronous SIGKILL, for exit hooks. */
  killNow(): void {
    if (!this.#exit) this.#signal('SIGKILL');
  }

  #signal(sig: NodeJS.Signals): void {
    try {
      process.kill(this.pid, sig);
    } catch {
      // already gone
    }
  }
}
