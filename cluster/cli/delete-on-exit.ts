/**
 * What an interrupted `hsec fs` leaves behind, after Hadoop's FileSystem.deleteOnExit: FsShell's
 * copies (CommandWithDestination.TargetFileSystem) mark TARGET._COPYING_ delete-on-exit once they
 * have created it, cancel that once it is renamed to TARGET (cancelDeleteOnExit), and on Ctrl-C the
 * JVM's shutdown hook (FileSystem.Cache.closeAll -> processDeleteOnExit) removes what is still
 * marked, so a half-written file never stays behind under its temporary name. Here a copy registers
 * a clean-up once its file is open and drops it right after the rename. SIGINT or SIGTERM first
 * aborts `signal` (the copies stop writing and no new copy starts), then runs the pending clean-ups
 * (each may wait for its copy to stop; all bounded by a timeout), then exits with 128 + the signal
 * number, as a process the signal killed. A second signal exits at once. Nothing here touches the
 * process until `onSignals` is called: the `hsec fs` command does, a program using HdfsClient never.
 */
import { getLogger } from '../../lib/log/logger.ts';

const SIGNAL_NUMBERS = { SIGINT: 2, SIGTERM: 15 } as const;
/** How long the clean-ups may take after a signal before the process exits anyway. */
const CLEANUP_TIMEOUT_MS = 5000;

export class DeleteOnExit {
  #next = 0;
  readonly #pending = new Map<number, { what: string; run: () => Promise<unknown> }>();
  readonly #abort = new AbortController();
  #cleanedUp: Promise<void> | undefined;

  /** Aborted by the first SIGINT / SIGTERM: a copy hands it to its pipeline, so it stops before its file is deleted. */
  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  /** True once a signal has arrived: the command's outcome is the signal's exit code, not its own. */
  get interrupted(): boolean {
    return this.#abort.signal.aborted;
  }

  /**
   * Registers `run` (deleting `what`) until the returned function is called. After a signal it
   * throws the interruption instead, so a copy that would only start now never creates its file.
   */
  add(what: string, run: () => Promise<unknown>): () => void {
    this.#abort.signal.throwIfAborted();
    const id = this.#next++;
    this.#pending.set(id, { what, run });
    return () => void this.#pending.delete(id);
  }

  /** What is pending now (the paths a signal would delete). */
  get pending(): string[] {
    return [...this.#pending.values()].map((p) => p.what);
  }

  /**
   * Stops the copies (`signal`), then runs every pending clean-up once (failures logged, not
   * thrown), waiting at most `timeoutMs`. Later calls return the same promise.
   */
  runAll(timeoutMs = CLEANUP_TIMEOUT_MS, reason = 'interrupted'): Promise<void> {
    this.#cleanedUp ??= this.#runAll(timeoutMs, reason);
    return this.#cleanedUp;
  }

  /** Resolves once the clean-ups after a signal are over (at once when there was no signal). */
  get settled(): Promise<void> {
    return this.#cleanedUp ?? Promise.resolve();
  }

  async #runAll(timeoutMs: number, reason: string): Promise<void> {
    this.#abort.abort(new Error(reason));
    const log = getLogger('cli.fs');
    const all = [...this.#pending.values()].map(({ what, run }) =>
      run().then(
        () => log.info({ path: what }, 'deleted on exit'),
        (e: unknown) => log.warn({ path: what, err: (e as Error).message }, 'could not delete on exit'),
      ),
    );
    this.#pending.clear();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    await Promise.race([Promise.all(all), timeout]);
    clearTimeout(timer);
  }

  /**
   * Until the returned function is called, SIGINT and SIGTERM run the clean-ups and then call
   * `exit(128 + signal number)`; a second signal calls it at once.
   */
  onSignals(exit: (code: number) => void = (code) => process.exit(code)): () => void {
    let stopping = false;
    const handler = (signal: keyof typeof SIGNAL_NUMBERS): void => {
      const code = 128 + SIGNAL_NUMBERS[signal];
      if (stopping) return exit(code);
      stopping = true;
      void this.runAll(CLEANUP_TIMEOUT_MS, `interrupted by ${signal}`).finally(() => exit(code));
    };
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
    return () => {
      process.removeListener('SIGINT', handler);
      process.removeListener('SIGTERM', handler);
    };
  }
}
