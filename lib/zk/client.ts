/**
 * ZkClient: a ZooKeeper session that lasts, the part of org.apache.zookeeper.ZooKeeper plus
 * Curator that Hadoop's ZooKeeper users rely on (ZKCuratorManager, ZKDelegationTokenSecretManager),
 * over our own protocol codecs (see docs/zookeeper.md for why not a library).
 *
 * Session states: connecting -> connected -> (connection lost) connecting -> connected ...;
 * a reconnect that finds the session expired starts a new session (state `expired`, then
 * `connected` with `newSession`), as Curator does; `auth-failed` and `closed` are final.
 * Servers of the connect string are tried in turn (shuffled once, as ZooKeeper's
 * StaticHostProvider does); after a full round of failed attempts the next round waits, doubling
 * from 50 ms up to `retryIntervalMs` (hadoop.zk.retry-interval-ms).
 *
 * Every operation has a deadline (`timeoutMs`, default hadoop.zk.timeout-ms): it waits for a
 * connection until then (ZK_UNREACHABLE, naming the connect string and the last connect error),
 * and for its reply until then (ZK_TIMEOUT). A read interrupted by a lost connection is retried
 * on the next connection, up to `numRetries` times (hadoop.zk.num-retries, Curator's
 * RetryNTimes); a write interrupted that way fails with ZK_CONNECTION_LOSS, because whether the
 * server applied it is unknown. Server errors become ZooKeeperError codes (errors.ts).
 */
import { randomInt } from 'node:crypto';
import type { DataInput, DataOutput } from '../codec/index.ts';
import { ZooKeeperError } from '../errors/index.ts';
import { getLogger } from '../log/logger.ts';
import { describeAuthInfo, OPEN_ACL_UNSAFE, type ZkAuthInfo } from './acl.ts';
import { formatServer, parseConnectString, type ConnectString, type ZkServerAddress } from './connect-string.ts';
import { ZkConnection, type Reply } from './connection.ts';
import { CREATE_MODE_FLAGS, EventType, KeeperCode, OpCode, SESSION_PASSWORD_LENGTH, type CreateMode } from './constants.ts';
import { keeperError, type RequestContext } from './errors.ts';
import { publishZkState } from './events.ts';
import type { Acl, Stat } from './jute.ts';
import { multiRequest, readMultiResponse, type MultiOp, type MultiResult } from './multi.ts';
import { parentPath, toClientPath, toServerPath, validatePath } from './paths.ts';
import {
  createRequest,
  pathRequest,
  pathVersionRequest,
  pathWatchRequest,
  readCreateResponse,
  readGetAclResponse,
  readGetChildren2Response,
  readGetDataResponse,
  readStatResponse,
  setAclRequest,
  setDataRequest,
  type WatcherEvent,
} from './records.ts';
import type { ZkSaslFactory } from './sasl.ts';
import { LongLivedWatch, type WatchRead, type ZkWatch } from './watches.ts';

const log = getLogger('zk.client');

export interface ZkClientOptions {
  /** `host:port[,host:port...][/chroot]` (hadoop.zk.address). */
  readonly connectString: string;
  /** Requested session timeout, ms (hadoop.zk.timeout-ms; default 10000). The server clamps it to [2, 20] ticks. */
  readonly sessionTimeoutMs?: number;
  /** Default deadline of each operation, ms (default: the session timeout). */
  readonly operationTimeoutMs?: number;
  /** Retries of a read interrupted by a lost connection (hadoop.zk.num-retries; default 1000). */
  readonly numRetries?: number;
  /** Longest wait between rounds of reconnect attempts, ms (hadoop.zk.retry-interval-ms; default 1000). */
  readonly retryIntervalMs?: number;
  /** `scheme:auth` identities sent after every connect (hadoop.zk.auth). */
  readonly authInfos?: readonly ZkAuthInfo[];
  /** A SASL exchange run after every connect (security/zk: Kerberos GSSAPI). */
  readonly sasl?: ZkSaslFactory;
  /** ACL for create() when the call names none (hadoop.zk.acl; default world:anyone:cdrwa). */
  readonly defaultAcl?: readonly Acl[];
  /** Largest reply frame accepted, bytes (default jute.maxbuffer 1 MiB + headers). */
  readonly maxFrameLength?: number;
}

export type ZkState = 'connecting' | 'connected' | 'expired' | 'auth-failed' | 'closed';

export interface ZkStateEvent {
  readonly state: ZkState;
  /** For `connected`: true when this is a new session (the first, or one after expiry). */
  readonly newSession?: boolean;
  /** `host:port` of the server, for `connected`. */
  readonly server?: string;
  /** Why: for `expired` and `auth-failed`. */
  readonly error?: ZooKeeperError;
}

/** Per-call options. */
export interface ZkCallOptions {
  /** Deadline for this call, ms (default operationTimeoutMs). */
  readonly timeoutMs?: number;
}

export interface ZkCreateOptions extends ZkCallOptions {
  readonly acl?: readonly Acl[];
  readonly mode?: CreateMode;
  /** Create missing parents first (persistent, with `parentAcl` or the node's ACL), as Curator's creatingParentsIfNeeded. */
  readonly createParents?: boolean;
  readonly parentAcl?: readonly Acl[];
}

export interface ZkVersionOptions extends ZkCallOptions {
  /** Expected version for compare-and-set; -1 (default) matches any. */
  readonly version?: number;
}

/** A node's data and metadata. */
export interface ZNode {
  readonly data: Uint8Array;
  readonly stat: Stat;
}

/** A node's children (unordered, as the server returns them) and metadata. */
export interface ZChildren {
  readonly children: readonly string[];
  readonly stat: Stat;
}

/** One operation of multi(): client paths, named create modes. */
export type ZkOp =
  | { readonly type: 'create'; readonly path: string; readonly data?: Uint8Array; readonly acl?: readonly Acl[]; readonly mode?: CreateMode }
  | { readonly type: 'setData'; readonly path: string; readonly data: Uint8Array; readonly version?: number }
  | { readonly type: 'delete'; readonly path: string; readonly version?: number }
  | { readonly type: 'check'; readonly path: string; readonly version: number };

export interface WatchOptions extends ZkCallOptions {
  /** Errors of re-arming reads other than connection loss (e.g. ZK_NO_AUTH after an ACL change). */
  readonly onError?: (error: ZooKeeperError) => void;
}

interface CallSpec<T> {
  readonly op: string;
  readonly path?: string | undefined;
  readonly version?: number | undefined;
  readonly type: number;
  readonly body?: (out: DataOutput) => void;
  readonly decode: (input: DataInput) => T;
  /** Safe to resend after a lost connection (reads). */
  readonly idempotent: boolean;
  /** Builds the error for a non-zero reply err when the body says more (multi). */
  readonly describeError?: (err: number, body: DataInput) => ZooKeeperError | undefined;
  readonly timeoutMs?: number | undefined;
}

interface ReadyWaiter {
  resolve(c: ZkConnection): void;
  reject(e: ZooKeeperError): void;
}

const EMPTY = new Uint8Array(0);

function shuffled<T>(items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

export class ZkClient {
  readonly #cs: ConnectString;
  readonly #servers: ZkServerAddress[];
  readonly #sessionTimeoutMs: number;
  readonly #opTimeoutMs: number;
  readonly #numRetries: number;
  readonly #retryIntervalMs: number;
  readonly #authInfos: readonly ZkAuthInfo[];
  readonly #sasl: ZkSaslFactory | undefined;
  readonly #defaultAcl: readonly Acl[];
  readonly #maxFrameLength: number | undefined;
  #state: ZkState = 'connecting';
  #conn: ZkConnection | undefined;
  #sessionId = 0n;
  #password: Uint8Array = new Uint8Array(SESSION_PASSWORD_LENGTH);
  #lastZxid = 0n;
  #lastError: ZooKeeperError | undefined;
  #final: ZooKeeperError | undefined;
  #wake: (() => void) | undefined;
  readonly #waiters = new Set<ReadyWaiter>();
  readonly #listeners = new Set<(e: ZkStateEvent) => void>();
  readonly #watches = new Set<LongLivedWatch<unknown>>();

  /** Starts connecting in the background; operations wait for the connection up to their deadline. */
  constructor(options: ZkClientOptions) {
    this.#cs = parseConnectString(options.connectString);
    this.#servers = shuffled(this.#cs.servers);
    this.#sessionTimeoutMs = options.sessionTimeoutMs ?? 10_000;
    this.#opTimeoutMs = options.operationTimeoutMs ?? this.#sessionTimeoutMs;
    this.#numRetries = options.numRetries ?? 1000;
    this.#retryIntervalMs = options.retryIntervalMs ?? 1000;
    this.#authInfos = options.authInfos ?? [];
    this.#sasl = options.sasl;
    this.#defaultAcl = options.defaultAcl ?? OPEN_ACL_UNSAFE;
    this.#maxFrameLength = options.maxFrameLength;
    this.#run().catch((e: unknown) => {
      const err = new ZooKeeperError('ZK_ERROR', `ZooKeeper session loop for ${this.#cs.text} stopped: ${(e as Error)?.message ?? e}`, { connectString: this.#cs.text }, { cause: e });
      log.error({ connectString: this.#cs.text, err: err.message }, 'ZooKeeper session loop failed');
      this.#finish('closed', err);
    });
  }

  /** Creates a client and waits until its session is established (or rejects, closing it). */
  static async connect(options: ZkClientOptions, waitMs?: number): Promise<ZkClient> {
    const client = new ZkClient(options);
    try {
      await client.ready(waitMs);
      return client;
    } catch (e) {
      await client.close();
      throw e;
    }
  }

  get state(): ZkState {
    return this.#state;
  }

  /** The connect string as configured. */
  get connectString(): string {
    return this.#cs.text;
  }

  /** The current session id (0n before the first session). */
  get sessionId(): bigint {
    return this.#sessionId;
  }

  /** A copy of the current session password (ZooKeeper.getSessionPasswd): a secret, never log it. */
  sessionPassword(): Uint8Array {
    return Uint8Array.from(this.#password);
  }

  /** The session timeout the server granted, ms (0 before the first session). */
  get negotiatedSessionTimeoutMs(): number {
    return this.#conn?.session.timeOut ?? 0;
  }

  /** The identities the session authenticates as (digest user names, the SASL principal). */
  get identities(): string[] {
    const ids = this.#authInfos.map(describeAuthInfo);
    const principal = this.#conn?.saslPrincipal;
    return principal ? [...ids, `sasl:${principal}`] : ids;
  }

  /** Calls `listener` on every state change; returns the unsubscribe function. */
  onStateChange(listener: (e: ZkStateEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Resolves once connected; rejects with ZK_UNREACHABLE after `waitMs` (default operationTimeoutMs). */
  async ready(waitMs = this.#opTimeoutMs): Promise<void> {
    await this.#whenConnected(Date.now() + waitMs, waitMs);
  }

  // Operations.

  async getData(path: string, opts: ZkCallOptions = {}): Promise<ZNode> {
    return this.#getData(path, false, opts.timeoutMs);
  }

  /** The node's Stat, or undefined when it does not exist. */
  async exists(path: string, opts: ZkCallOptions = {}): Promise<Stat | undefined> {
    return this.#exists(path, false, opts.timeoutMs);
  }

  async getChildren(path: string, opts: ZkCallOptions = {}): Promise<ZChildren> {
    return this.#getChildren(path, false, opts.timeoutMs);
  }

  async getAcl(path: string, opts: ZkCallOptions = {}): Promise<{ acl: Acl[]; stat: Stat }> {
    validatePath(path);
    return this.#call({ op: 'getAcl', path, type: OpCode.getACL, body: pathRequest(this.#server(path)), decode: readGetAclResponse, idempotent: true, timeoutMs: opts.timeoutMs });
  }

  /** Creates a node; resolves with its path (with the sequence suffix for sequential modes). */
  async create(path: string, data: Uint8Array = EMPTY, opts: ZkCreateOptions = {}): Promise<string> {
    const mode = opts.mode ?? 'persistent';
    validatePath(path, mode.endsWith('sequential'));
    const acl = opts.acl ?? this.#defaultAcl;
    const attempt = (): Promise<string> =>
      this.#call({
        op: 'create',
        path,
        type: OpCode.create,
        body: createRequest(this.#server(path), data, acl, CREATE_MODE_FLAGS[mode]),
        decode: (i) => toClientPath(this.#cs.chroot, readCreateResponse(i)),
        idempotent: false,
        timeoutMs: opts.timeoutMs,
      });
    try {
      return await attempt();
    } catch (e) {
      if (!opts.createParents || (e as ZooKeeperError).code !== 'ZK_NO_NODE') throw e;
    }
    await this.#createParents(parentPath(path), opts.parentAcl ?? acl, opts.timeoutMs);
    return attempt();
  }

  /** Sets a node's data; with `version` it is a compare-and-set (ZK_BAD_VERSION on conflict). */
  async setData(path: string, data: Uint8Array, opts: ZkVersionOptions = {}): Promise<Stat> {
    validatePath(path);
    const version = opts.version ?? -1;
    return this.#call({ op: 'setData', path, version, type: OpCode.setData, body: setDataRequest(this.#server(path), data, version), decode: readStatResponse, idempotent: false, timeoutMs: opts.timeoutMs });
  }

  async delete(path: string, opts: ZkVersionOptions = {}): Promise<void> {
    validatePath(path);
    const version = opts.version ?? -1;
    await this.#call({ op: 'delete', path, version, type: OpCode.delete, body: pathVersionRequest(this.#server(path), version), decode: () => undefined, idempotent: false, timeoutMs: opts.timeoutMs });
  }

  async setAcl(path: string, acl: readonly Acl[], opts: ZkVersionOptions = {}): Promise<Stat> {
    validatePath(path);
    const version = opts.version ?? -1;
    return this.#call({ op: 'setAcl', path, version, type: OpCode.setACL, body: setAclRequest(this.#server(path), acl, version), decode: readStatResponse, idempotent: false, timeoutMs: opts.timeoutMs });
  }

  /**
   * Runs the operations atomically (ZooKeeper.multi): all apply or none. A failure rejects with
   * the first failing operation's code, naming its index and path.
   */
  async multi(ops: readonly ZkOp[], opts: ZkCallOptions = {}): Promise<MultiResult[]> {
    const wire: MultiOp[] = ops.map((op) => {
      const mode = op.type === 'create' ? (op.mode ?? 'persistent') : 'persistent';
      validatePath(op.path, mode.endsWith('sequential'));
      const path = this.#server(op.path);
      switch (op.type) {
        case 'create':
          return { type: 'create', path, data: op.data ?? EMPTY, acl: op.acl ?? this.#defaultAcl, flags: CREATE_MODE_FLAGS[mode] };
        case 'setData':
          return { type: 'setData', path, data: op.data, version: op.version ?? -1 };
        case 'delete':
          return { type: 'delete', path, version: op.version ?? -1 };
        case 'check':
          return { type: 'check', path, version: op.version };
      }
    });
    // The first operation that failed (the others report RUNTIMEINCONSISTENCY: rolled back).
    const failure = (results: readonly MultiResult[], headerErr: number): ZooKeeperError | undefined => {
      const at = results.findIndex((r) => r.type === 'error' && r.err !== KeeperCode.OK && r.err !== KeeperCode.RUNTIMEINCONSISTENCY);
      const op = ops[at];
      if (!op) return undefined;
      const err = (results[at] as { err: number }).err;
      return keeperError(err === KeeperCode.OK ? headerErr : err, this.#context(`multi (operation ${at}: ${op.type})`, op.path, 'version' in op ? op.version : undefined));
    };
    const describeError = (err: number, body: DataInput): ZooKeeperError | undefined => {
      try {
        return failure(readMultiResponse(body), err);
      } catch {
        return undefined;
      }
    };
    const results = await this.#call({ op: 'multi', type: OpCode.multi, body: multiRequest(wire), decode: readMultiResponse, idempotent: false, timeoutMs: opts.timeoutMs, describeError });
    const failed = failure(results, KeeperCode.OK);
    if (failed) throw failed;
    return results.map((r) => (r.type === 'create' ? { type: 'create', path: toClientPath(this.#cs.chroot, r.path) } : r));
  }

  /**
   * Watches a node's data for as long as the handle is open: `listener` gets the new data (or
   * undefined once the node is gone) after every change, including changes made while the client
   * was disconnected or its session expired (a resync read after each reconnect finds them).
   */
  async watchData(path: string, listener: (node: ZNode | undefined) => void, opts: WatchOptions = {}): Promise<ZkWatch<ZNode>> {
    validatePath(path);
    return this.#watch(path, () => this.#readDataWatched(path, opts.timeoutMs), listener, opts);
  }

  /** Watches a node's children likewise (undefined while the node does not exist). */
  async watchChildren(path: string, listener: (children: ZChildren | undefined) => void, opts: WatchOptions = {}): Promise<ZkWatch<ZChildren>> {
    validatePath(path);
    return this.#watch(path, () => this.#readChildrenWatched(path, opts.timeoutMs), listener, opts);
  }

  /** Ends the session (closeSession, at most 1 s) and stops reconnecting. Idempotent. */
  async close(): Promise<void> {
    if (this.#state === 'closed') return;
    const conn = this.#conn;
    this.#conn = undefined;
    this.#finish('closed', new ZooKeeperError('ZK_CLOSED', `The ZooKeeper client for ${this.#cs.text} is closed`, { connectString: this.#cs.text }));
    if (conn) await conn.closeSession(Math.min(1000, this.#opTimeoutMs));
  }

  // The session loop.

  async #run(): Promise<void> {
    let failures = 0;
    let next = 0;
    while (!this.#final) {
      const server = this.#servers[next++ % this.#servers.length]!;
      try {
        const conn = await this.#open(server);
        const since = Date.now();
        await this.#serve(conn);
        // A connection dropped at once (a server that closes new sessions) counts as a failed attempt.
        if (Date.now() - since >= 1000) failures = 0;
        else if (!this.#final && ++failures % this.#servers.length === 0) await this.#pause(failures / this.#servers.length);
      } catch (e) {
        const err = e instanceof ZooKeeperError ? e : new ZooKeeperError('ZK_UNREACHABLE', `ZooKeeper connect attempt failed: ${(e as Error)?.message ?? e}`, { connectString: this.#cs.text }, { cause: e });
        if (this.#final) break;
        if (err.code === 'ZK_SESSION_EXPIRED') {
          this.#expire(err);
          continue;
        }
        if (err.code === 'ZK_AUTH_FAILED') {
          this.#finish('auth-failed', err);
          break;
        }
        this.#lastError = err;
        log.debug({ server: formatServer(server), code: err.code, err: err.message }, 'ZooKeeper connect attempt failed');
        failures++;
        if (failures % this.#servers.length === 0) await this.#pause(failures / this.#servers.length);
      }
    }
  }

  #open(server: ZkServerAddress): Promise<ZkConnection> {
    return ZkConnection.open({
      server,
      connectString: this.#cs.text,
      request: { lastZxidSeen: this.#lastZxid, timeOut: this.#sessionTimeoutMs, sessionId: this.#sessionId, passwd: this.#password },
      authInfos: this.#authInfos,
      sasl: this.#sasl,
      handshakeTimeoutMs: Math.max(1000, Math.floor(this.#sessionTimeoutMs / this.#servers.length)),
      maxFrameLength: this.#maxFrameLength,
      onNotification: (event) => this.#onNotification(event),
      onClose: (error) => this.#onConnectionClosed(error),
    });
  }

  /** Adopts a ready connection and resolves when it ends. */
  async #serve(conn: ZkConnection): Promise<void> {
    if (this.#final) {
      conn.close();
      return;
    }
    const ended = new Promise<void>((resolve) => (this.#wake = resolve));
    const newSession = conn.session.sessionId !== this.#sessionId;
    this.#conn = conn;
    this.#sessionId = conn.session.sessionId;
    this.#password = conn.session.passwd;
    this.#setState({ state: 'connected', newSession, server: conn.server });
    for (const w of this.#waiters) w.resolve(conn);
    this.#waiters.clear();
    for (const w of this.#watches) w.trigger();
    await ended;
  }

  #onConnectionClosed(error: ZooKeeperError): void {
    const conn = this.#conn;
    if (conn) this.#lastZxid = conn.lastZxid;
    this.#conn = undefined;
    this.#lastError = error;
    if (error.code === 'ZK_AUTH_FAILED') this.#finish('auth-failed', error);
    else if (!this.#final) this.#setState({ state: 'connecting' });
    this.#wake?.();
  }

  #expire(error: ZooKeeperError): void {
    this.#sessionId = 0n;
    this.#password = new Uint8Array(SESSION_PASSWORD_LENGTH);
    this.#lastZxid = 0n;
    this.#setState({ state: 'expired', error });
    this.#setState({ state: 'connecting' });
  }

  /** Waits before the next round of attempts: 50 ms doubling, at most retryIntervalMs; close() cuts it short. */
  #pause(round: number): Promise<void> {
    const ms = Math.min(this.#retryIntervalMs, 50 * 2 ** Math.min(round - 1, 16));
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.#wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  #finish(state: 'closed' | 'auth-failed', error: ZooKeeperError): void {
    if (this.#final) return;
    this.#final = error;
    this.#conn?.close();
    this.#conn = undefined;
    for (const w of this.#waiters) w.reject(error);
    this.#waiters.clear();
    this.#watches.clear();
    this.#setState({ state, error });
    this.#wake?.();
  }

  #setState(e: ZkStateEvent): void {
    this.#state = e.state;
    publishZkState({ connectString: this.#cs.text, state: e.state, server: e.server, sessionId: this.#sessionId ? `0x${this.#sessionId.toString(16)}` : undefined, code: e.error?.code });
    log.debug({ connectString: this.#cs.text, state: e.state, server: e.server, code: e.error?.code }, 'ZooKeeper session state');
    for (const l of this.#listeners) {
      try {
        l(e);
      } catch (err) {
        log.warn({ err: (err as Error)?.message }, 'ZooKeeper state listener threw; ignored');
      }
    }
  }

  // Calls.

  #whenConnected(deadline: number, budgetMs: number): Promise<ZkConnection> {
    if (this.#final) return Promise.reject(this.#final);
    if (this.#conn) return Promise.resolve(this.#conn);
    return new Promise<ZkConnection>((resolve, reject) => {
      const waiter: ReadyWaiter = {
        resolve: (c) => {
          clearTimeout(timer);
          resolve(c);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        reject(this.#unreachable(budgetMs));
      }, Math.max(0, deadline - Date.now()));
      this.#waiters.add(waiter);
    });
  }

  #unreachable(budgetMs: number): ZooKeeperError {
    const last = this.#lastError;
    return new ZooKeeperError(
      'ZK_UNREACHABLE',
      `Could not reach ZooKeeper at ${this.#cs.text} within ${budgetMs} ms (hadoop.zk.timeout-ms)${last ? `: ${last.message}` : ''}; check hadoop.zk.address and that the servers are up`,
      { connectString: this.#cs.text, timeoutMs: budgetMs, configKey: 'hadoop.zk.address' },
      last ? { cause: last } : undefined,
    );
  }

  async #call<T>(spec: CallSpec<T>): Promise<T> {
    const budget = spec.timeoutMs ?? this.#opTimeoutMs;
    const deadline = Date.now() + budget;
    for (let attempt = 0; ; attempt++) {
      const conn = await this.#whenConnected(deadline, budget);
      let reply: Reply;
      try {
        reply = await this.#withDeadline(conn.send(spec.type, spec.body), deadline, spec, budget);
      } catch (e) {
        const err = e as ZooKeeperError;
        if (err.code === 'ZK_CONNECTION_LOSS' && spec.idempotent && attempt < this.#numRetries && Date.now() < deadline) continue;
        throw err;
      }
      return this.#decodeReply(conn, reply, spec);
    }
  }

  #decodeReply<T>(conn: ZkConnection, reply: Reply, spec: CallSpec<T>): T {
    const ctx = this.#context(spec.op, spec.path, spec.version);
    if (reply.header.err !== KeeperCode.OK) throw spec.describeError?.(reply.header.err, reply.body) ?? keeperError(reply.header.err, ctx);
    try {
      return spec.decode(reply.body);
    } catch (cause) {
      const err = new ZooKeeperError('ZK_CONNECTION_LOSS', `ZooKeeper ${conn.server} sent a malformed ${spec.op} reply: ${(cause as Error)?.message ?? cause}; dropping the connection`, { server: conn.server, op: spec.op }, { cause });
      conn.abort(err);
      throw err;
    }
  }

  #withDeadline(p: Promise<Reply>, deadline: number, spec: CallSpec<unknown>, budget: number): Promise<Reply> {
    return new Promise<Reply>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(
          new ZooKeeperError('ZK_TIMEOUT', `ZooKeeper ${spec.op}${spec.path ? ` on ${spec.path}` : ''} got no reply from ${this.#cs.text} within ${budget} ms`, {
            op: spec.op,
            path: spec.path,
            connectString: this.#cs.text,
            timeoutMs: budget,
          }),
        );
      }, Math.max(0, deadline - Date.now()));
      p.then(
        (r) => {
          clearTimeout(timer);
          resolve(r);
        },
        (e) => {
          clearTimeout(timer);
          reject(e);
        },
      );
    });
  }

  #context(op: string, path: string | undefined, version?: number): RequestContext {
    return { op, path, version, connectString: this.#cs.text, identities: this.identities };
  }

  #server(path: string): string {
    return toServerPath(this.#cs.chroot, path);
  }

  async #getData(path: string, watch: boolean, timeoutMs?: number): Promise<ZNode> {
    validatePath(path);
    return this.#call({ op: 'getData', path, type: OpCode.getData, body: pathWatchRequest(this.#server(path), watch), decode: readGetDataResponse, idempotent: true, timeoutMs });
  }

  async #exists(path: string, watch: boolean, timeoutMs?: number): Promise<Stat | undefined> {
    validatePath(path);
    try {
      return await this.#call({ op: 'exists', path, type: OpCode.exists, body: pathWatchRequest(this.#server(path), watch), decode: readStatResponse, idempotent: true, timeoutMs });
    } catch (e) {
      if ((e as ZooKeeperError).code === 'ZK_NO_NODE') return undefined;
      throw e;
    }
  }

  async #getChildren(path: string, watch: boolean, timeoutMs?: number): Promise<ZChildren> {
    validatePath(path);
    return this.#call({ op: 'getChildren', path, type: OpCode.getChildren2, body: pathWatchRequest(this.#server(path), watch), decode: readGetChildren2Response, idempotent: true, timeoutMs });
  }

  async #createParents(path: string, acl: readonly Acl[], timeoutMs?: number): Promise<void> {
    if (path === '/') return;
    const parts = path.slice(1).split('/');
    for (let i = 1; i <= parts.length; i++) {
      const p = `/${parts.slice(0, i).join('/')}`;
      try {
        await this.create(p, EMPTY, { acl, ...(timeoutMs !== undefined ? { timeoutMs } : {}) });
      } catch (e) {
        if ((e as ZooKeeperError).code !== 'ZK_NODE_EXISTS') throw e;
      }
    }
  }

  // Long-lived watches.

  async #watch<T>(path: string, read: () => Promise<WatchRead<T>>, listener: (value: T | undefined) => void, opts: WatchOptions): Promise<ZkWatch<T>> {
    if (this.#final) throw this.#final;
    const watch = new LongLivedWatch<T>(path, read, listener, opts.onError, (w) => this.#watches.delete(w as LongLivedWatch<unknown>));
    this.#watches.add(watch as LongLivedWatch<unknown>);
    try {
      await watch.start();
    } catch (e) {
      watch.close();
      throw e;
    }
    return watch;
  }

  async #readDataWatched(path: string, timeoutMs?: number): Promise<WatchRead<ZNode>> {
    for (;;) {
      try {
        const node = await this.#getData(path, true, timeoutMs);
        return { value: node, key: `${node.stat.mzxid}:${node.stat.version}` };
      } catch (e) {
        if ((e as ZooKeeperError).code !== 'ZK_NO_NODE') throw e;
      }
      // Missing: an exists watch sees its creation. Created meanwhile: read it.
      if ((await this.#exists(path, true, timeoutMs)) === undefined) return { value: undefined, key: 'none' };
    }
  }

  async #readChildrenWatched(path: string, timeoutMs?: number): Promise<WatchRead<ZChildren>> {
    for (;;) {
      try {
        const c = await this.#getChildren(path, true, timeoutMs);
        return { value: c, key: `${c.stat.czxid}:${c.stat.cversion}` };
      } catch (e) {
        if ((e as ZooKeeperError).code !== 'ZK_NO_NODE') throw e;
      }
      if ((await this.#exists(path, true, timeoutMs)) === undefined) return { value: undefined, key: 'none' };
    }
  }

  #onNotification(event: WatcherEvent): void {
    if (event.type === EventType.None) return;
    const path = toClientPath(this.#cs.chroot, event.path);
    log.debug({ path, type: event.type }, 'ZooKeeper watch notification');
    for (const w of this.#watches) if (w.path === path) w.trigger();
  }
}
