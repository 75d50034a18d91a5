/**
 * What an interrupted `hsec fs` leaves behind, after Hadoop's FileSystem.deleteOnExit: FsShell's
 * copies (CommandWithDestination.TargetFileSystem.create) mark TARGET._COPYING_ delete-on-exit, and
 * on Ctrl-C the JVM's shutdown hook (FileSystem.Cache.closeAll -> processDeleteOnExit) removes it,
 * so a half-written file never stays behind under its temporary name. Here a copy registers a
 * clean-up while it writes and drops it when done; SIGINT or SIGTERM runs the pending clean-ups
 * (bounded by a timeout), then exits with 128 + the signal number, as a process the signal killed.
 * A second signal exits at once.
 */
import { getLogger } from '../../lib/log/logger.ts';

const SIGNAL_NUMBERS = { SIGINT: 2, SIGTERM: 15 } as const;
/** How long the clean-ups may take after a signal before the process exits anyway. */
const CLEANUP_TIMEOUT_MS = 5000;

export class DeleteOnExit {
  #next = 0;
  readonly #pending = new Map<number, { what: string; run: () => Promise<unknown> }>();

  /** Registers `run` (deleting `what`) until the returned function is called. */
  add(what: string, run: () => Promise<unknown>): () => void {
    const id = this.#next++;
    this.#pending.set(id, { what, run });
    return () => void this.#pending.delete(id);
  }

  /** What is pending now (the paths a signal would delete). */
  get pending(): string[] {
    return [...this.#pending.values()].map((p) => p.what);
  }

  /** Runs every pending clean-up (failures logged, not thrown), waiting at most `timeoutMs`. */
  async runAll(timeoutMs = CLEANUP_TIMEOUT_MS): Promise<void> {
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
      void this.runAll().finally(() => exit(code));
    };
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
    return () => {
      process.removeListener('SIGINT', handler);
      process.removeListener('SIGTERM', handler);
    };
  }
}
