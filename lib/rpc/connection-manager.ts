/**
 * The IPC server's connection bookkeeping, after org.apache.hadoop.ipc.Server.ConnectionManager:
 * the open connections, `ipc.server.max.connections` (0 = unlimited; a connection over the limit is
 * closed at accept without a reply and counted as dropped, as Listener.doAccept does when
 * register() returns null), and the idle scan (startIdleScan / closeIdle): every
 * `ipc.client.connection.idle-scan-interval.ms`, while at least `ipc.client.idlethreshold`
 * connections are open, close up to `ipc.client.kill.max` connections that have no call in flight
 * and have read nothing for maxIdleTime (Hadoop: 2 x `ipc.client.connection.maxidletime`). It also
 * holds the memory budget that all connections still negotiating SASL share (an hsec addition:
 * Hadoop has none). Counts are plain numbers for tests and, later, metrics.
 */
import type { Logger } from '../log/logger.ts';

/** What the manager needs to know about a connection. */
export interface ManagedConnection {
  /** When the connection last read bytes (ms since epoch): Hadoop's lastContact. */
  readonly lastContact: number;
  /** No call in flight: Hadoop's Connection.isIdle (rpcCount == 0). */
  readonly idle: boolean;
  /** The connection user's short name once the context is read (Hadoop's userToConnectionsMap key). */
  readonly shortUser: string | undefined;
  /** True until SASL (or the NONE preamble) completed. */
  readonly authenticating: boolean;
  close(): void;
}

export interface ConnectionLimits {
  /** ipc.server.max.connections; 0 = unlimited. */
  readonly maxConnections: number;
  /** ipc.client.idlethreshold: the idle scan closes connections only while this many are open. */
  readonly idleThreshold: number;
  /** ipc.client.kill.max: most idle connections one scan closes. */
  readonly killMax: number;
  /** Server-side max idle time (ms): Hadoop's 2 x ipc.client.connection.maxidletime. */
  readonly maxIdleMs: number;
  /** ipc.client.connection.idle-scan-interval.ms. */
  readonly idleScanIntervalMs: number;
  /** hsec.ipc.server.preauth.max.buffered: bytes all connections still negotiating SASL may hold together. */
  readonly preAuthBudget: number;
}

/** Hadoop 3.4's defaults (CommonConfigurationKeysPublic / CommonConfigurationKeys). */
export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = {
  maxConnections: 0,
  idleThreshold: 4000,
  killMax: 10,
  maxIdleMs: 2 * 10_000,
  idleScanIntervalMs: 10_000,
  preAuthBudget: 64 * 1024 * 1024,
};

/** Totals of one server's connections. */
export interface ConnectionStats {
  /** Open connections (Server.getNumOpenConnections). */
  readonly open: number;
  /** Of those, still in preamble or SASL. */
  readonly authenticating: number;
  /** Refused at accept for ipc.server.max.connections (Server.getNumDroppedConnections). */
  readonly dropped: number;
  /** Closed by the idle scan. */
  readonly idleClosed: number;
  /** Bytes held by connections still negotiating SASL (at most preAuthBudget). */
  readonly preAuthBytes: number;
  /** Open connections per short user name, once their context is read (Server.getNumOpenConnectionsPerUser). */
  readonly perUser: Readonly<Record<string, number>>;
}

export class ConnectionManager<C extends ManagedConnection> {
  readonly limits: ConnectionLimits;
  readonly #connections = new Set<C>();
  readonly #log: Logger;
  #dropped = 0;
  #idleClosed = 0;
  #preAuthBytes = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(limits: ConnectionLimits, log: Logger) {
    this.limits = limits;
    this.#log = log;
  }

  get size(): number {
    return this.#connections.size;
  }

  /** ConnectionManager.isFull: the check is off when maxConnections <= 0. */
  get full(): boolean {
    return this.limits.maxConnections > 0 && this.#connections.size >= this.limits.maxConnections;
  }

  /** Counts a connection refused at accept. */
  drop(): void {
    this.#dropped++;
  }

  add(c: C): void {
    this.#connections.add(c);
  }

  remove(c: C): void {
    this.#connections.delete(c);
  }

  all(): C[] {
    return [...this.#connections];
  }

  /**
   * Takes `bytes` (or gives them back when negative) from the budget of connections still
   * negotiating SASL; false, taking nothing, when the budget has no room.
   */
  reservePreAuth(bytes: number): boolean {
    if (bytes > 0 && this.#preAuthBytes + bytes > this.limits.preAuthBudget) return false;
    this.#preAuthBytes += bytes;
    return true;
  }

  stats(): ConnectionStats {
    const perUser: Record<string, number> = {};
    let authenticating = 0;
    for (const c of this.#connections) {
      if (c.authenticating) authenticating++;
      if (c.shortUser !== undefined) perUser[c.shortUser] = (perUser[c.shortUser] ?? 0) + 1;
    }
    return { open: this.#connections.size, authenticating, dropped: this.#dropped, idleClosed: this.#idleClosed, preAuthBytes: this.#preAuthBytes, perUser };
  }

  /** startIdleScan: one scan per interval, each scheduled after the previous one ends. */
  startIdleScan(): void {
    this.stopIdleScan();
    const schedule = (): void => {
      this.#timer = setTimeout(() => {
        try {
          this.closeIdle(Date.now());
        } catch (err) {
          this.#log.error({ reason: (err as Error).message }, 'IPC idle connection scan failed');
        }
        schedule();
      }, this.limits.idleScanIntervalMs);
      this.#timer.unref();
    };
    schedule();
  }

  stopIdleScan(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** ConnectionManager.closeIdle(false): returns how many connections it closed. */
  closeIdle(now: number): number {
    const minLastContact = now - this.limits.maxIdleMs;
    let closed = 0;
    for (const c of [...this.#connections]) {
      if (this.#connections.size < this.limits.idleThreshold) break;
      if (c.idle && c.lastContact < minLastContact) {
        this.#connections.delete(c);
        c.close();
        closed++;
        this.#idleClosed++;
        if (closed === this.limits.killMax) break;
      }
    }
    if (closed > 0) this.#log.debug({ closed, open: this.#connections.size }, 'IPC idle scan closed connections');
    return closed;
  }
}
