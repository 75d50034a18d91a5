/**
 * A list compiled from a ListSource and kept current, after Hadoop's CacheableIPList: loaded at
 * construction, reloaded `reloadAfterMs` after each load when a lookup finds it expired (negative or
 * undefined: never, Hadoop's cache.secs < 0 and its fixed list), and replaced whenever a pushing
 * source (ZooKeeper) delivers new text. Time comes from an injected Clock. Unlike Hadoop, whose
 * lookup blocks while the file is re-read, a lookup here never waits: the reload runs in the
 * background and the previous list answers until it is done. Until the first load completes, and
 * whenever the source cannot be read, the fail-closed value is in force. Problems are reported
 * when they change, not on every reload of the same text.
 */
import type { Logger } from '../../lib/log/logger.ts';
import { systemClock, type Clock } from '../../lib/time/clock.ts';
import type { ListSnapshot, ListSource } from './list-source.ts';
import { listLoadedChannel, reportListProblem, type ListLoadedEvent, type ListProblem } from './list-problems.ts';

/** A compiled list and what was wrong with its text. */
export interface Compiled<T> {
  readonly value: T;
  readonly entries: number;
  readonly problems: readonly ListProblem[];
}

/** One load's outcome: the compiled list, or the fail-closed value when the list could not be read. */
interface Loaded<T> extends Compiled<T> {
  readonly available: boolean;
}

export interface ReloadingListOptions<T> {
  /** What the list is, for messages ("fixed whitelist"). */
  readonly name: string;
  readonly source: ListSource;
  /** Parses (and resolves) one text; bad content is reported as problems, not thrown. */
  readonly compile: (text: string, origin: string) => Promise<Compiled<T>> | Compiled<T>;
  /** In force before the first load and while the source cannot be read. */
  readonly failClosed: T;
  /** What failing closed means for this list, for the warning. */
  readonly consequence: string;
  /** Reload this long (ms) after each load; undefined or negative: never. */
  readonly reloadAfterMs?: number | undefined;
  readonly clock?: Clock;
  readonly log: Logger;
}

export class ReloadingList<T> {
  readonly #o: ReloadingListOptions<T>;
  readonly #clock: Clock;
  readonly #initial: Promise<void>;
  readonly #unwatch: (() => void) | undefined;
  #value: T;
  #expiresAt: number | undefined;
  #started = 0;
  #applied = 0;
  #inFlight = 0;
  #lastReport: string | undefined;

  constructor(options: ReloadingListOptions<T>) {
    this.#o = options;
    this.#clock = options.clock ?? systemClock;
    this.#value = options.failClosed;
    this.#initial = this.reload();
    this.#unwatch = options.source.watch?.((snapshot) => void this.#load(Promise.resolve(snapshot)));
  }

  /** The list in force; starts a background reload when it has expired. */
  current(): T {
    if (this.#expiresAt !== undefined && this.#inFlight === 0 && this.#clock.now() > this.#expiresAt) void this.reload();
    return this.#value;
  }

  get origin(): string {
    return this.#o.source.origin;
  }

  /** Resolves when the first load has been applied (never rejects). */
  ready(): Promise<void> {
    return this.#initial;
  }

  /** Reads the source again now (Hadoop's CacheableIPList.refresh); resolves once applied. */
  reload(): Promise<void> {
    return this.#load(Promise.resolve().then(() => this.#o.source.read()));
  }

  /** Stops listening to a pushing source. */
  close(): void {
    this.#unwatch?.();
  }

  async #load(snapshot: Promise<ListSnapshot>): Promise<void> {
    const generation = ++this.#started;
    this.#inFlight++;
    try {
      const compiled = await this.#compile(snapshot);
      if (generation > this.#applied) this.#apply(generation, compiled);
    } finally {
      this.#inFlight--;
    }
  }

  async #compile(pending: Promise<ListSnapshot>): Promise<Loaded<T>> {
    let snapshot: ListSnapshot;
    try {
      snapshot = await pending;
    } catch (err) {
      return this.#unavailable(`the list source failed: ${(err as Error).message}`, false);
    }
    if (!snapshot.available) return this.#unavailable(snapshot.reason, snapshot.missing);
    try {
      return { ...(await this.#o.compile(snapshot.text, this.#o.source.origin)), available: true };
    } catch (err) {
      return this.#unavailable(`cannot be compiled: ${(err as Error).message}`, false);
    }
  }

  /** Fail closed, with the problem that says why. */
  #unavailable(reason: string, missing: boolean): Loaded<T> {
    const problem: ListProblem = { code: 'LIST_UNAVAILABLE', origin: this.#o.source.origin, reason, missing, consequence: this.#o.consequence };
    return { value: this.#o.failClosed, available: false, entries: 0, problems: [problem] };
  }

  #apply(generation: number, compiled: Loaded<T>): void {
    this.#applied = generation;
    this.#value = compiled.value;
    const period = this.#o.reloadAfterMs;
    this.#expiresAt = period !== undefined && period >= 0 ? this.#clock.now() + period : undefined;
    const event: ListLoadedEvent = { list: this.#o.name, origin: this.#o.source.origin, available: compiled.available, entries: compiled.entries, problems: compiled.problems.length };
    const signature = JSON.stringify([event, compiled.problems]);
    if (signature !== this.#lastReport) {
      this.#lastReport = signature;
      for (const p of compiled.problems) reportListProblem(this.#o.log, this.#o.name, p);
      if (compiled.available) this.#o.log.info({ list: this.#o.name, file: event.origin, entries: event.entries, problems: event.problems }, `${this.#o.name} ${event.origin}: ${event.entries} entries loaded`);
    }
    if (listLoadedChannel.hasSubscribers) listLoadedChannel.publish(event);
  }
}
