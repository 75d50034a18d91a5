/**
 * Long-lived watches over ZooKeeper's one-shot ones. A `LongLivedWatch` keeps a path watched
 * across notifications, reconnects and session expiry: each (re)arming is a read with the watch
 * flag set (getData, or exists when the node is missing, so its creation is seen too; getChildren
 * likewise), and the listener is called only when what the read returns differs from what was last
 * delivered (compared by the node's mzxid/version, or czxid/cversion for children). After a
 * reconnect the client re-arms every watch (the server forgot the old connection's watches), so a
 * change made while the client was disconnected is delivered by that resync read. Re-arming is
 * serialized per watch; a trigger during a read causes one more read. Listener exceptions are
 * caught and logged: they never reach the event loop.
 */
import { ZooKeeperError } from '../errors/index.ts';
import { getLogger } from '../log/logger.ts';

const log = getLogger('zk.watch');

/** What one arming read returns: the value to deliver, and the key it is compared by. */
export interface WatchRead<T> {
  readonly value: T | undefined;
  readonly key: string;
}

/** A handle on a long-lived watch. */
export interface ZkWatch<T> {
  readonly path: string;
  /** The value last read (undefined while the node does not exist). */
  readonly current: T | undefined;
  /** Stops delivering; the server-side one-shot watch lapses at its next trigger. */
  close(): void;
}

export class LongLivedWatch<T> implements ZkWatch<T> {
  readonly path: string;
  readonly #read: () => Promise<WatchRead<T>>;
  readonly #listener: (value: T | undefined) => void;
  readonly #onError: ((error: ZooKeeperError) => void) | undefined;
  readonly #onClose: (w: LongLivedWatch<T>) => void;
  #key: string | undefined;
  #current: T | undefined;
  #arming: Promise<void> | undefined;
  #again = false;
  #closed = false;

  constructor(
    path: string,
    read: () => Promise<WatchRead<T>>,
    listener: (value: T | undefined) => void,
    onError: ((error: ZooKeeperError) => void) | undefined,
    onClose: (w: LongLivedWatch<T>) => void,
  ) {
    this.path = path;
    this.#read = read;
    this.#listener = listener;
    this.#onError = onError;
    this.#onClose = onClose;
  }

  get current(): T | undefined {
    return this.#current;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The first arming: its errors reject (the caller's watchData call fails). */
  async start(): Promise<void> {
    // A trigger while this first read runs (a notification, a reconnect) reads once more after it.
    let done!: () => void;
    this.#arming = new Promise<void>((r) => (done = r));
    try {
      const first = await this.#read();
      this.#key = first.key;
      this.#current = first.value;
    } finally {
      this.#arming = undefined;
      done();
    }
    if (this.#again) {
      this.#again = false;
      this.trigger();
    }
  }

  /** Re-arms after a notification or a reconnect; delivers a change if the read shows one. */
  trigger(): void {
    if (this.#closed) return;
    if (this.#arming) {
      this.#again = true;
      return;
    }
    this.#arming = this.#rearm().finally(() => (this.#arming = undefined));
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#onClose(this);
  }

  async #rearm(): Promise<void> {
    do {
      this.#again = false;
      let read: WatchRead<T>;
      try {
        read = await this.#read();
      } catch (e) {
        this.#reportError(e);
        return;
      }
      if (this.#closed) return;
      if (read.key !== this.#key) {
        this.#key = read.key;
        this.#current = read.value;
        this.#deliver(read.value);
      }
    } while (this.#again && !this.#closed);
  }

  #deliver(value: T | undefined): void {
    try {
      this.#listener(value);
    } catch (e) {
      log.warn({ path: this.path, err: (e as Error)?.message }, 'ZooKeeper watch listener threw; ignored');
    }
  }

  #reportError(e: unknown): void {
    // A lost connection or session re-arms on the next reconnect; a closed client ends the watch.
    const err = e instanceof ZooKeeperError ? e : new ZooKeeperError('ZK_ERROR', `ZooKeeper watch on ${this.path} failed: ${(e as Error)?.message ?? e}`, { path: this.path }, { cause: e });
    if (err.retriable || err.code === 'ZK_SESSION_EXPIRED' || err.code === 'ZK_CLOSED') return;
    if (!this.#onError) {
      log.warn({ path: this.path, code: err.code }, 'ZooKeeper watch could not re-arm');
      return;
    }
    try {
      this.#onError(err);
    } catch {
      // The error listener's own failure is not ours to raise.
    }
  }
}
