/**
 * A list (whitelist, principal rules) kept in one ZooKeeper znode, as UTF-8 text in the list format
 * of ./list-text.ts (what `hsec policy` writes). `read()` is one getData; `watch()` keeps the znode
 * watched for as long as the list lives (lib/zk long-lived watches: re-armed after every
 * notification and reconnect), so a change reaches the list as soon as ZooKeeper notifies, with no
 * polling. A missing znode is an empty list (nothing has been written yet); a znode deleted later
 * is an empty list too. A read ZooKeeper refuses (no read permission in the ACL) is an unreadable
 * list: its owner fails closed.
 *
 * When the ZooKeeper session is lost the list keeps the last text it had: nothing is pushed, so
 * the list in force does not change. The source reports itself degraded (a warning, a count, the
 * `hsec:resolver:list-degraded` event) and, once connected again, reads the znode and pushes what
 * it holds, then reports that it has resynchronised. ZooKeeper keeps its data across restarts, so
 * a restarted ensemble loses no entries.
 */
import { channel } from 'node:diagnostics_channel';
import type { ZooKeeperError } from '../../lib/errors/index.ts';
import type { Logger } from '../../lib/log/logger.ts';
import type { ZkClient, ZkStateEvent, ZkWatch, ZNode } from '../../lib/zk/index.ts';
import type { ListSnapshot, ListSource } from './list-source.ts';

export const listDegradedChannel = channel('hsec:resolver:list-degraded');

/** Payload of `hsec:resolver:list-degraded`. */
export interface ListDegradedEvent {
  readonly origin: string;
  /** true: the session is lost and the last list stays in force; false: resynchronised. */
  readonly degraded: boolean;
  /** How many times this source has become degraded. */
  readonly count: number;
  readonly reason: string;
}

/** How the origin of a znode list reads in messages and decision rules. */
export function znodeOrigin(path: string): string {
  return `ZooKeeper znode ${path}`;
}

const decoder = new TextDecoder();

export class ZkListSource implements ListSource {
  readonly origin: string;
  readonly path: string;
  readonly #client: ZkClient;
  readonly #log: Logger;
  readonly #acquire: (() => () => Promise<void>) | undefined;
  #degraded = false;
  #degradedCount = 0;
  #hadValue = false;

  /** `acquire`: registers this source as a user of a shared session (released when the watch closes). */
  constructor(client: ZkClient, path: string, options: { log: Logger; acquire?: () => () => Promise<void> }) {
    this.#client = client;
    this.path = path;
    this.origin = znodeOrigin(path);
    this.#log = options.log;
    this.#acquire = options.acquire;
  }

  /** True while the session is lost (the last list stays in force). */
  get degraded(): boolean {
    return this.#degraded;
  }

  /** How many times the source has become degraded since it was created. */
  get degradedCount(): number {
    return this.#degradedCount;
  }

  async read(): Promise<ListSnapshot> {
    try {
      return this.#snapshot(await this.#client.getData(this.path));
    } catch (e) {
      const err = e as ZooKeeperError;
      if (err.code === 'ZK_NO_NODE') return this.#snapshot(undefined);
      return { available: false, reason: err.message ?? String(e), missing: false };
    }
  }

  watch(onChange: (snapshot: ListSnapshot) => void): () => void {
    const release = this.#acquire?.();
    let closed = false;
    let handle: ZkWatch<ZNode> | undefined;
    let arming: Promise<void> | undefined;
    const arm = (): void => {
      if (closed || handle || arming) return;
      arming = this.#client
        .watchData(this.path, (node) => onChange(this.#snapshot(node)), { onError: (e) => onChange(unreadable(e)) })
        .then(
          (h) => {
            if (closed) h.close();
            else {
              handle = h;
              onChange(this.#snapshot(h.current));
            }
          },
          (e: ZooKeeperError) => {
            // Unreachable now: armed on the next connection. Refused: the list is unreadable (fail closed).
            if (!e.retriable && e.code !== 'ZK_SESSION_EXPIRED' && e.code !== 'ZK_CLOSED') onChange(unreadable(e));
          },
        )
        .finally(() => (arming = undefined));
    };
    const unsubscribe = this.#client.onStateChange((event) => {
      if (closed) return;
      this.#onState(event, onChange);
      if (event.state === 'connected') arm();
    });
    arm();
    return () => {
      closed = true;
      unsubscribe();
      handle?.close();
      void release?.();
    };
  }

  #onState(event: ZkStateEvent, onChange: (snapshot: ListSnapshot) => void): void {
    if ((event.state === 'connecting' || event.state === 'expired') && !this.#degraded && this.#hadValue) {
      this.#degraded = true;
      this.#degradedCount++;
      const reason = event.state === 'expired' ? 'the ZooKeeper session expired' : 'the connection to ZooKeeper was lost';
      this.#log.warn({ origin: this.origin, connectString: this.#client.connectString, count: this.#degradedCount }, `${this.origin}: ${reason}; keeping the last list in force until ZooKeeper is back (degraded)`);
      publish({ origin: this.origin, degraded: true, count: this.#degradedCount, reason });
    } else if (event.state === 'connected' && this.#degraded) {
      // The long-lived watch re-arms and delivers changes; this read confirms the list in force.
      void this.read().then((snapshot) => {
        if (snapshot.available) onChange(snapshot);
        this.#degraded = false;
        this.#log.info({ origin: this.origin, server: event.server }, `${this.origin}: ZooKeeper is back; list resynchronised`);
        publish({ origin: this.origin, degraded: false, count: this.#degradedCount, reason: 'reconnected' });
      });
    }
  }

  #snapshot(node: ZNode | undefined): ListSnapshot {
    this.#hadValue = true;
    return { available: true, text: node ? decoder.decode(node.data) : '' };
  }
}

function unreadable(e: ZooKeeperError): ListSnapshot {
  return { available: false, reason: e.message, missing: false };
}

function publish(e: ListDegradedEvent): void {
  if (listDegradedChannel.hasSubscribers) listDegradedChannel.publish(e);
}
