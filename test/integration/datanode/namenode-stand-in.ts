/**
 * TEMPORARY NameNode stand-in for the DataNode suites, until the NameNode side of issue 9 (the
 * DatanodeProtocol server and the master-mode BlockTokenSecretManager, built in parallel) lands:
 * then these suites should run against the real hsec NameNode instead.
 *
 * It is not a mock of the wire: it serves DatanodeProtocol over the product's RpcServer (through
 * RpcService, so with Kerberos it is the real GSSAPI / SASL IPC of the secure-service foundation)
 * with the product codecs. It does what a NameNode does for a DataNode, minimally: NamespaceInfo
 * from versionRequest; registerDatanode completes the registration (ipAddr = the RPC peer, as
 * DatanodeManager does) and returns the block keys; heartbeats answer RegisterCommand for an
 * unknown node, grant full-block-report leases, and carry a KeyUpdateCommand after a key roll
 * and any queued BlockCommand; block reports and incremental reports are recorded. Block keys
 * follow BlockTokenSecretManager's master mode (current + next key, roll = retire current, promote
 * next, make a new next), and the stand-in mints block tokens (BlockTokenIdentifier + HMAC-SHA1
 * with the current key) and data encryption keys from them, as the NameNode's
 * getBlockLocations / addBlock / getDataEncryptionKey would.
 */
import { randomBytes } from 'node:crypto';
import type { Configuration } from '../../../lib/config/index.ts';
import { HsecError } from '../../../lib/errors/index.ts';
import type { CallContext, MethodHandler } from '../../../lib/rpc/call-context.ts';
import { RpcServer } from '../../../security/sasl/rpc/rpc-server.ts';
import { RpcService } from '../../../cluster/service/rpc-service.ts';
import { ServiceIdentity } from '../../../cluster/service/service-identity.ts';
import { decodeBlockList, type ReportedReplica } from '../../../cluster/protocol/block-list-as-longs.ts';
import {
  DATANODE_PROTOCOL, DATANODE_PROTOCOL_CODEC, DATANODE_PROTOCOL_INFO, NAMENODE_LAYOUT_VERSION, REGISTER_COMMAND,
  keyUpdateCommand, exportedBlockKeysToProto, type DatanodeCommand, type DatanodeProtocolMessages, type DatanodeRegistration, type NamespaceInfo,
  type ReceivedDeletedBlockInfo,
} from '../../../cluster/protocol/datanode-protocol.ts';
import type { DataEncryptionKeyLike } from '../../../security/datatransfer/credentials.ts';
import { BlockTokenIdentifier, type AccessMode, type BlockStorageType } from '../../../security/token/block-token-identifier.ts';
import { DelegationKey } from '../../../security/token/keys/delegation-key.ts';
import type { ExportedBlockKeys } from '../../../security/token/keys/exported-block-keys.ts';
import { createPassword } from '../../../security/token/keys/hmac.ts';
import type { TokenProtoObject } from '../../../cluster/protocol/hdfs-types.ts';
import type { Krb5Config } from '../../../security/kerberos/config/index.ts';

export interface StandInOptions {
  /** Kerberos: a NameNode configuration (principal, keytab, hadoop.rpc.protection); else SIMPLE IPC. */
  conf?: Configuration;
  krb5?: Krb5Config;
  port?: number;
  blockPoolId?: string;
  clusterId?: string;
  namespaceId?: number;
  softwareVersion?: string;
  /** ms; dfs.block.access.key.update.interval / token lifetime as exported. */
  keyUpdateInterval?: number;
  tokenLifetime?: number;
  blockTokensEnabled?: boolean;
  /** Grant block-report leases when asked (default true). */
  grantLeases?: boolean;
}

export interface StandInDataNode {
  registration: DatanodeRegistration;
  needKeys: boolean;
  commands: DatanodeCommand[];
}

const MINUTE = 60_000;

/** BlockTokenSecretManager in master mode, minimal: current and next key, roll on demand. */
export class MasterBlockKeys {
  readonly keyUpdateInterval: number;
  readonly tokenLifetime: number;
  readonly enabled: boolean;
  #serial = 100 + Math.floor(Math.random() * 1_000_000) * 10; // random, as BlockTokenSecretManager starts its serial
  current: DelegationKey;
  next: DelegationKey;
  readonly all = new Map<number, DelegationKey>();

  constructor(keyUpdateInterval: number, tokenLifetime: number, enabled = true) {
    this.keyUpdateInterval = keyUpdateInterval;
    this.tokenLifetime = tokenLifetime;
    this.enabled = enabled;
    const now = Date.now();
    this.current = this.#key(now + 2 * keyUpdateInterval + tokenLifetime);
    this.next = this.#key(now + 3 * keyUpdateInterval + tokenLifetime);
  }

  #key(expiry: number): DelegationKey {
    const k = new DelegationKey(++this.#serial, expiry, new Uint8Array(randomBytes(8)));
    this.all.set(k.keyId, k);
    return k;
  }

  /** updateKeys(): retire the current key, promote the next one, make a new next one. */
  roll(): void {
    const now = Date.now();
    for (const [id, k] of this.all) if (k.expiryDate < now) this.all.delete(id);
    this.all.set(this.current.keyId, new DelegationKey(this.current.keyId, now + this.keyUpdateInterval + this.tokenLifetime, this.current.key));
    this.current = new DelegationKey(this.next.keyId, now + 2 * this.keyUpdateInterval + this.tokenLifetime, this.next.key);
    this.all.set(this.current.keyId, this.current);
    this.next = this.#key(now + 3 * this.keyUpdateInterval + this.tokenLifetime);
  }

  export(): ExportedBlockKeys {
    return { isBlockTokenEnabled: this.enabled, keyUpdateInterval: this.keyUpdateInterval, tokenLifetime: this.tokenLifetime, currentKey: this.current, allKeys: [...this.all.values()] };
  }
}

export interface TokenRequest {
  blockPoolId: string;
  blockId: number;
  modes: AccessMode[];
  user?: string;
  storageTypes?: BlockStorageType[];
  storageIds?: string[];
  /** Override the expiry (ms since epoch). */
  expiryDate?: number;
  /** Sign with this key instead of the current one. */
  key?: DelegationKey;
  handshakeMsg?: Uint8Array;
}

export class NameNodeStandIn {
  readonly options: StandInOptions;
  readonly info: NamespaceInfo;
  keys: MasterBlockKeys;
  readonly datanodes = new Map<string, StandInDataNode>();
  readonly calls: { method: string; user: string; at: number }[] = [];
  readonly blockReports: { datanodeUuid: string; leaseId: number; replicas: ReportedReplica[] }[] = [];
  readonly incremental: { datanodeUuid: string; blocks: ReceivedDeletedBlockInfo[] }[] = [];
  #server: RpcServer | RpcService | undefined;
  #identity: ServiceIdentity | undefined;
  #port: number;
  #leases = 0;

  private constructor(options: StandInOptions) {
    this.options = options;
    this.#port = options.port ?? 0;
    this.keys = new MasterBlockKeys(options.keyUpdateInterval ?? 600 * MINUTE, options.tokenLifetime ?? 600 * MINUTE, options.blockTokensEnabled ?? true);
    this.info = {
      buildVersion: 'hsec-test', unused: 0, blockPoolID: options.blockPoolId ?? `BP-${Math.floor(Math.random() * 1e9)}-127.0.0.1-${Date.now()}`,
      softwareVersion: options.softwareVersion ?? '3.4.1', capabilities: 1,
      storageInfo: { layoutVersion: NAMENODE_LAYOUT_VERSION, namespceID: options.namespaceId ?? 123456789, clusterID: options.clusterId ?? 'CID-hsec-test', cTime: 0 },
    };
  }

  static async start(options: StandInOptions = {}): Promise<NameNodeStandIn> {
    const nn = new NameNodeStandIn(options);
    await nn.restart();
    return nn;
  }

  get port(): number {
    return this.#port;
  }

  get blockPoolId(): string {
    return this.info.blockPoolID;
  }

  /**
   * Starts serving (again, on the same port, forgetting registered DataNodes as a restarted
   * NameNode does; `newKeys`: with new block keys, as a restarted NameNode makes them).
   */
  async restart(options: { newKeys?: boolean } = {}): Promise<void> {
    await this.stop();
    this.datanodes.clear();
    if (options.newKeys) this.keys = new MasterBlockKeys(this.keys.keyUpdateInterval, this.keys.tokenLifetime, this.keys.enabled);
    const handlers = this.#handlers();
    if (this.options.conf) {
      this.#identity = await ServiceIdentity.resolve(this.options.conf, { name: 'NameNode', principalKey: 'dfs.namenode.kerberos.principal', keytabKey: 'dfs.namenode.keytab.file', principalHost: 'localhost' }, this.options.krb5 ? { krb5: this.options.krb5 } : {});
      const service = await RpcService.start(this.options.conf, { identity: this.#identity, bind: { host: '127.0.0.1', port: this.#port, configKey: 'dfs.namenode.rpc-address' }, protocols: [{ info: DATANODE_PROTOCOL_INFO, handlers }] });
      this.#port = service.address.port;
      this.#server = service;
    } else {
      const server = new RpcServer({ authentication: 'simple', handshakeTimeoutMs: 5000 });
      server.registerProtocol(DATANODE_PROTOCOL, handlers);
      this.#port = (await server.start('127.0.0.1', this.#port)).port;
      this.#server = server;
    }
  }

  async stop(): Promise<void> {
    await this.#server?.stop();
    this.#server = undefined;
    this.#identity?.close();
    this.#identity = undefined;
  }

  /** Rolls the block keys; registered DataNodes get a KeyUpdateCommand with their next heartbeat. */
  rollKeys(): void {
    this.keys.roll();
    for (const dn of this.datanodes.values()) dn.needKeys = true;
  }

  /** Queues a command for the DataNode's next heartbeat. */
  queue(datanodeUuid: string, cmd: DatanodeCommand): void {
    this.datanodes.get(datanodeUuid)!.commands.push(cmd);
  }

  /** A block token as the NameNode hands it out (legacy identifier layout, kind HDFS_BLOCK_TOKEN). */
  token(r: TokenRequest): TokenProtoObject {
    const key = r.key ?? this.keys.current;
    const id = BlockTokenIdentifier.create({
      expiryDate: r.expiryDate ?? Date.now() + this.keys.tokenLifetime, keyId: key.keyId, userId: r.user ?? 'alice',
      blockPoolId: r.blockPoolId, blockId: r.blockId, modes: r.modes, storageTypes: r.storageTypes ?? [], storageIds: r.storageIds ?? [],
      handshakeMsg: r.handshakeMsg ?? new Uint8Array(0),
    });
    return { identifier: id.bytes, password: createPassword(id.bytes, key.key!), kind: 'HDFS_BLOCK_TOKEN', service: '' };
  }

  /** getDataEncryptionKey: HMAC of a nonce with the current block key. */
  dataEncryptionKey(encryptionAlgorithm?: string): DataEncryptionKeyLike {
    const nonce = new Uint8Array(randomBytes(8));
    return { keyId: this.keys.current.keyId, blockPoolId: this.blockPoolId, nonce, encryptionKey: createPassword(nonce, this.keys.current.key!), encryptionAlgorithm };
  }

  /** Resolves once `predicate` holds (polling), or rejects after `timeoutMs`. */
  async until(predicate: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  #handlers(): Record<string, MethodHandler> {
    const C = DATANODE_PROTOCOL_CODEC;
    const on = <M extends keyof DatanodeProtocolMessages>(m: M, answer: (req: DatanodeProtocolMessages[M]['request'], ctx: CallContext) => DatanodeProtocolMessages[M]['response']): MethodHandler =>
      (bytes, ctx) => {
        this.calls.push({ method: m, user: ctx.user, at: Date.now() });
        return C.encodeResponse(m, answer(C.decodeRequest(m, bytes), ctx));
      };
    const known = (reg: DatanodeRegistration): StandInDataNode => {
      const dn = this.datanodes.get(reg.datanodeID.datanodeUuid);
      if (!dn) throw new HsecError('RPC_REMOTE', `Data node ${reg.datanodeID.datanodeUuid} is attempting to report storage without registering`, { exceptionClassName: 'java.io.IOException' });
      return dn;
    };
    return {
      versionRequest: on('versionRequest', () => ({ info: this.info })),
      registerDatanode: on('registerDatanode', (r, ctx) => {
        const registration: DatanodeRegistration = {
          ...r.registration,
          datanodeID: { ...r.registration.datanodeID, ipAddr: ctx.remoteAddress },
          keys: exportedBlockKeysToProto(this.keys.export()),
        };
        this.datanodes.set(registration.datanodeID.datanodeUuid, { registration, needKeys: false, commands: [] });
        return { registration };
      }),
      sendHeartbeat: on('sendHeartbeat', (r) => {
        const dn = this.datanodes.get(r.registration.datanodeID.datanodeUuid);
        if (!dn) return { cmds: [REGISTER_COMMAND], haStatus: { state: 'ACTIVE', txid: 1 } };
        const cmds = dn.commands.splice(0);
        if (dn.needKeys) {
          cmds.unshift(keyUpdateCommand(this.keys.export()));
          dn.needKeys = false;
        }
        const grant = r.requestFullBlockReportLease && (this.options.grantLeases ?? true);
        return { cmds, haStatus: { state: 'ACTIVE', txid: 1 }, fullBlockReportLeaseId: grant ? ++this.#leases : 0 };
      }),
      blockReport: on('blockReport', (r) => {
        known(r.registration);
        for (const report of r.reports ?? []) {
          this.blockReports.push({ datanodeUuid: r.registration.datanodeID.datanodeUuid, leaseId: r.context?.leaseId ?? 0, replicas: decodeBlockList(report) });
        }
        return {};
      }),
      blockReceivedAndDeleted: on('blockReceivedAndDeleted', (r) => {
        known(r.registration);
        this.incremental.push({ datanodeUuid: r.registration.datanodeID.datanodeUuid, blocks: (r.blocks ?? []).flatMap((s) => s.blocks ?? []) });
        return {};
      }),
      errorReport: on('errorReport', () => ({})),
    };
  }
}
