/**
 * The hsec DataNode (Hadoop's DataNode, one storage directory, one NameNode), built on the
 * secure-service foundation (cluster/service): its identity is `dfs.datanode.kerberos.principal` /
 * `dfs.datanode.keytab.file` with `_HOST` = its host name, logged in from the keytab to call the
 * NameNode over Kerberos IPC (DatanodeProtocol); block storage under dfs.datanode.data.dir
 * (./storage); the data transfer port dfs.datanode.address with the handshake Hadoop's rules pick
 * (./transfer); the NameNode link (./namenode-link) that registers, heartbeats, installs block
 * keys and reports replicas; block recovery (./recovery) with InterDatanodeProtocol served on the
 * IPC port dfs.datanode.ipc.address (RpcService: Kerberos as the DataNode principal, service ACLs). Start-up checks Hadoop's DataNode.checkSecureConfig: with Kerberos,
 * block tokens must be on, and the data port must be privileged (root, no SASL) or protected by
 * dfs.data.transfer.protection. (Hadoop also demands dfs.http.policy=HTTPS_ONLY with SASL; the hsec
 * DataNode serves no HTTP, so that condition has nothing to protect and is not checked.)
 */
import type { Configuration } from '../../lib/config/index.ts';
import { ConfigError, HsecError } from '../../lib/errors/index.ts';
import { getLogger } from '../../lib/log/logger.ts';
import { parseHostPort, type HostPort } from '../../lib/net/host-port.ts';
import { isWildcard, resolveAddress } from '../../lib/net/resolve.ts';
import { systemClock, type Clock } from '../../lib/time/clock.ts';
import { ServiceAuthorizer, type PolicyEntry } from '../../security/authorize/service-authorization.ts';
import { chooseServerHandshake, isPrivilegedPort, type HandshakeKind } from '../../security/datatransfer/handshake-choice.ts';
import { Groups } from '../../security/identity/groups.ts';
import { defaultSimpleUser, User } from '../../security/identity/user.ts';
import type { Krb5Config } from '../../security/kerberos/config/index.ts';
import { createDataTransferResolver } from '../../security/resolver/registry.ts';
import type { SaslPropertiesResolver } from '../../security/resolver/sasl-properties-resolver.ts';
import { callCredentials } from '../../security/sasl/rpc/protocol-security.ts';
import { acquireRpcClient, type SharedRpcClient } from '../client/shared-rpc-client.ts';
import { DatanodeProtocolClient } from '../protocol/datanode-protocol-client.ts';
import { DATANODE_PROTOCOL_INFO, DatanodeErrorCode, type DatanodeRegistration } from '../protocol/datanode-protocol.ts';
import { InterDatanodeProtocolClient } from '../protocol/inter-datanode-protocol-client.ts';
import { CLIENT_DATANODE_PROTOCOL_INFO } from '../protocol/client-datanode-protocol.ts';
import { INTER_DATANODE_PROTOCOL_INFO } from '../protocol/inter-datanode-protocol.ts';
import { RpcService } from '../service/rpc-service.ts';
import { ServiceIdentity } from '../service/service-identity.ts';
import { BlockPoolTokens, type BlockAccessVerifier } from './block-access.ts';
import { dataNodeSettings, IPC_ADDRESS_KEY, type DataNodeSettings } from './datanode-settings.ts';
import { BPServiceActor } from './namenode-link/bp-service-actor.ts';
import { BlockRecoveryWorker, unavailablePeer } from './recovery/block-recovery-worker.ts';
import { blockTokenAuthority, clientDatanodeHandlers, type DatanodeAdmin } from './client-datanode.ts';
import { HADOOP_COMPATIBLE_VERSION } from '../protocol/hadoop-version.ts';
import { interDatanodeHandlers, remotePeer } from './recovery/inter-datanode.ts';
import { FsDataset } from './storage/fs-dataset.ts';
import { ReplicaError } from './storage/replica.ts';
import { DataNodeMirrorConnector } from './transfer/mirror.ts';
import { BlockTransfers } from './transfer/data-transfer.ts';
import type { BlockPoolService, XceiverServices } from './transfer/xceiver.ts';
import { XceiverServer } from './transfer/xceiver-server.ts';

const log = getLogger('datanode');

export interface DataNodeOptions {
  /** krb5.conf for the keytab login and the principal's default realm (default KRB5_CONFIG or /etc/krb5.conf). */
  krb5?: Krb5Config;
  /** Log in from the keytab at start (`hsec datanode` and the pseudo-cluster do; needed to reach a Kerberos NameNode). Default true. */
  login?: boolean;
  /** Host name override (else dfs.datanode.hostname, else the canonical local host name). */
  hostName?: string;
  /** Clock of block-token expiry checks (tests drive expiry with a ManualClock). */
  clock?: Clock;
}

export class DataNode {
  readonly settings: DataNodeSettings;
  readonly identity: ServiceIdentity;
  readonly dataset: FsDataset;
  /** How data transfer connections are protected (decided at start). */
  readonly handshake: HandshakeKind;
  /** Resolves with the error when the NameNode link gives up (foreign storage, NameNode too old, refused). */
  readonly failure: Promise<HsecError>;
  /** Resolves once the DataNode has stopped after `hdfs dfsadmin -shutdownDatanode`. */
  readonly shutDown: Promise<void>;
  readonly #server: XceiverServer;
  readonly #ipc: RpcService;
  readonly #actor: BPServiceActor;
  readonly #rpc: SharedRpcClient;
  readonly #resolvers: (SaslPropertiesResolver | undefined)[];
  readonly #transfers: BlockTransfers;
  #stopped: Promise<void> | undefined;

  private constructor(parts: {
    settings: DataNodeSettings; identity: ServiceIdentity; dataset: FsDataset; handshake: HandshakeKind; failure: Promise<HsecError>; shutDown: Promise<void>;
    server: XceiverServer; ipc: RpcService; actor: BPServiceActor; rpc: SharedRpcClient; resolvers: (SaslPropertiesResolver | undefined)[]; transfers: BlockTransfers;
  }) {
    this.settings = parts.settings;
    this.identity = parts.identity;
    this.dataset = parts.dataset;
    this.handshake = parts.handshake;
    this.failure = parts.failure;
    this.shutDown = parts.shutDown;
    this.#server = parts.server;
    this.#ipc = parts.ipc;
    this.#actor = parts.actor;
    this.#rpc = parts.rpc;
    this.#resolvers = parts.resolvers;
    this.#transfers = parts.transfers;
  }

  /** Logs in, opens the storage, listens on the data port and starts the NameNode link (which retries until the NameNode answers). */
  static async start(conf: Configuration, options: DataNodeOptions = {}): Promise<DataNode> {
    const settings = await dataNodeSettings(conf, options.hostName ? { hostName: options.hostName } : {});
    const identity = await ServiceIdentity.resolve(
      conf,
      { name: 'DataNode', principalKey: 'dfs.datanode.kerberos.principal', keytabKey: 'dfs.datanode.keytab.file', principalHost: settings.hostName },
      { ...(options.krb5 ? { krb5: options.krb5 } : {}), login: options.login ?? true },
    );
    const cleanup: (() => Promise<void> | void)[] = [() => identity.close()];
    try {
      const dataset = await FsDataset.open(settings.dataDir);
      cleanup.push(() => dataset.close());
      const serverResolver = createDataTransferResolver(conf, 'server');
      const clientResolver = createDataTransferResolver(conf, 'client');
      cleanup.push(() => (serverResolver?.close?.(), clientResolver?.close?.()));
      await serverResolver?.ready?.();
      const access: BlockAccessVerifier = new BlockPoolTokens(options.clock ? { clock: options.clock } : {});
      const securityEnabled = identity.security === 'kerberos';
      let actor: BPServiceActor | undefined;
      let transfers: BlockTransfers | undefined;
      const services: XceiverServices = {
        settings,
        dataset,
        access,
        mirrors: new DataNodeMirrorConnector({ ...settings, securityEnabled, resolver: clientResolver }, access),
        blockPool: (bpid) => blockPoolService(actor!, bpid, settings),
        // TRANSFER_BLOCK: DataNode.transferReplicaForPipelineRecovery through the DataTransfer of replications (below)
        transferReplica: (block, targets, storageTypes, storageIds, clientName) => transfers!.transferReplicaForPipelineRecovery(block, targets, storageTypes, storageIds, clientName),
      };
      const server = await XceiverServer.listen(settings.xfer, { services, maxConnections: settings.maxTransferConnections, dataTransfer: settings.dataTransfer });
      cleanup.push(() => server.stop());
      const xferPort = server.address.port;
      checkSecureConfig(securityEnabled, settings, xferPort, serverResolver);
      const handshake = chooseServerHandshake({
        encryptDataTransfer: settings.dataTransfer.encryptDataTransfer, trusted: false, securityEnabled, xferPort,
        protectionConfigured: serverResolver !== undefined, ignoreSecurePortsForTesting: settings.ignoreSecurePortsForTesting,
      });
      server.serve({ handshake, resolver: serverResolver });
      const rpc = acquireRpcClient(conf);
      cleanup.push(() => rpc.release());
      const user = securityEnabled ? identity.asUser() : User.simple(defaultSimpleUser());
      const client = new DatanodeProtocolClient({
        rpc: rpc.rpc, address: settings.nameNode, credentials: callCredentials(user, DATANODE_PROTOCOL_INFO, conf, options.krb5), timeoutMs: settings.socketTimeoutMs,
      });
      const interDatanodeCredentials = callCredentials(user, INTER_DATANODE_PROTOCOL_INFO, conf, options.krb5);
      const recovery = new BlockRecoveryWorker({
        dataset, writerStopTimeoutMs: settings.xceiverStopTimeoutMs,
        // DataNode.createInterDataNodeProtocolProxy: the other DataNode's ipcAddr, dfs.client.socket-timeout
        peer: (node) => node.id.ipcPort > 0
          ? remotePeer(new InterDatanodeProtocolClient({ rpc: rpc.rpc, address: { host: node.id.ipAddr, port: node.id.ipcPort }, credentials: interDatanodeCredentials, timeoutMs: settings.socketTimeoutMs }))
          : unavailablePeer(node),
        commit: (r) => client.commitBlockSynchronization(r),
        notifyReceived: (r) => void actor!.notifyReceived(r),
      });
      // the IPC server: InterDatanodeProtocol for the primaries of block recoveries (Kerberos as the DataNode principal),
      // ClientDatanodeProtocol.getReplicaVisibleLength for readers (block tokens); service ACLs
      const groups = Groups.fromConfiguration(conf, options.clock ?? systemClock);
      let balancerBandwidth = settings.balanceBandwidthPerSec;
      let self: DataNode | undefined;
      let shutdownStarted = false;
      let shutDown: () => void = () => undefined;
      const shutDownPromise = new Promise<void>((resolve) => (shutDown = resolve));
      const admin: DatanodeAdmin = {
        permissionsEnabled: settings.permissionsEnabled,
        dnUserName: user.name,
        supergroup: settings.superGroup,
        groups,
        shutdown: (forUpgrade) => {
          if (shutdownStarted) return false;
          shutdownStarted = true;
          // DataNode.shutdownDatanode: the answer goes first; without an upgrade the stop waits a second more
          setTimeout(() => void self?.stop().then(shutDown, (err: unknown) => { log.error({ err }, 'DataNode shutdown failed'); shutDown(); }), forUpgrade ? 0 : 1000);
          return true;
        },
        evictWriters: () => void server.stopWriters(),
        // DataNode.triggerBlockReport: to every NameNode, or the one whose InetSocketAddress equals
        // the one asked (resolved address and port)
        triggerBlockReport: async (incremental, nnAddress) => {
          if (nnAddress !== undefined && !(await sameSocketAddress(nnAddress, settings.nameNode))) return;
          actor?.triggerBlockReport(incremental);
        },
        info: () => ({ softwareVersion: HADOOP_COMPATIBLE_VERSION, configVersion: settings.confVersion, uptime: Math.floor(process.uptime()) }), // DataNode.getDatanodeInfo: the JVM's uptime (RuntimeMXBean), in seconds
        balancerBandwidth: () => balancerBandwidth,
      };
      const ipc = await RpcService.start(conf, {
        identity,
        bind: { ...settings.ipc, configKey: IPC_ADDRESS_KEY },
        protocols: [
          { info: INTER_DATANODE_PROTOCOL_INFO, handlers: interDatanodeHandlers(recovery.local) },
          {
            info: CLIENT_DATANODE_PROTOCOL_INFO,
            handlers: clientDatanodeHandlers({ dataset, access, blockTokenEnabled: settings.blockTokenEnabled, registered: (bpid) => actor?.blockPoolId === bpid && actor.registration !== undefined, admin }),
          },
        ],
        // ClientDatanodeProtocol callers authenticate with block tokens (DataNode.initIpcServer: setSecretManager(blockPoolTokenSecretManager))
        ...(settings.blockTokenEnabled ? { tokenAuthority: blockTokenAuthority(access) } : {}),
        authorizer: ServiceAuthorizer.fromConfiguration(conf, DATANODE_POLICY, groups),
      });
      cleanup.push(() => ipc.stop());
      // DataNode.transferBlocks / DataTransfer: replications the NameNode asks for, as this DataNode's own user
      transfers = new BlockTransfers({
        dataset, access, mirrors: services.mirrors, socketTimeoutMs: settings.socketTimeoutMs,
        userName: securityEnabled && identity.principal ? identity.shortName(identity.principal) : user.name,
        self: (bpid) => {
          const reg = actor?.blockPoolId === bpid ? actor.registration : undefined;
          return reg ? { id: reg.datanodeID, adminState: 'NORMAL' } : undefined;
        },
        reports: {
          invalidBlock: (_bpid, msg) => actor?.trySendErrorReport(DatanodeErrorCode.INVALID_BLOCK, msg),
          badBlock: (block, msg) => actor?.reportBadBlock(block, msg),
        },
      });
      cleanup.push(() => transfers.stop());
      let fail: (e: HsecError) => void = () => undefined;
      const failure = new Promise<HsecError>((resolve) => (fail = resolve));
      actor = new BPServiceActor({
        client, dataset, access,
        nameNode: `${settings.nameNode.host}:${settings.nameNode.port}`,
        datanodeId: {
          ipAddr: isWildcard(settings.xfer.host) ? '0.0.0.0' : await resolveAddress(settings.xfer.host),
          hostName: settings.hostName, datanodeUuid: dataset.datanodeUuid, xferPort, infoPort: 0, ipcPort: ipc.address.port, infoSecurePort: 0,
        },
        heartbeatIntervalMs: settings.heartbeatIntervalMs,
        blockReportIntervalMs: settings.blockReportIntervalMs,
        incrementalReportIntervalMs: settings.incrementalReportIntervalMs,
        blockReportInitialDelayMs: settings.blockReportInitialDelayMs,
        minNameNodeVersion: settings.minNameNodeVersion,
        xceiverCount: () => server.connectionCount,
        onFatal: (e) => fail(e),
        recoverBlocks: (who, blocks) => recovery.recoverBlocks(who, blocks),
        transferBlocks: (bpid, cmd) => transfers.transferBlocks(bpid, cmd),
        xmitsInProgress: () => transfers.xmitsInProgress,
        setBalancerBandwidth: (bandwidth) => {
          log.info({ bandwidth }, `Updating balance throttler bandwidth from ${balancerBandwidth} bytes/s to: ${bandwidth} bytes/s.`);
          balancerBandwidth = bandwidth;
        },
      });
      actor.start();
      log.info({ xfer: `${server.address.host}:${xferPort}`, handshake, principal: identity.principal, dataDir: settings.dataDir, datanodeUuid: dataset.datanodeUuid }, 'DataNode up');
      self = new DataNode({ settings, identity, dataset, handshake, failure, shutDown: shutDownPromise, server, ipc, actor, rpc, resolvers: [serverResolver, clientResolver], transfers });
      return self;
    } catch (e) {
      for (const c of cleanup.reverse()) await Promise.resolve(c()).catch(() => undefined);
      throw e;
    }
  }

  /** The bound data transfer address. */
  get xferAddress(): HostPort {
    return this.#server.address;
  }

  /** The bound IPC address (InterDatanodeProtocol). */
  get ipcAddress(): HostPort {
    return this.#ipc.address;
  }

  get datanodeUuid(): string {
    return this.dataset.datanodeUuid;
  }

  get storageId(): string {
    return this.dataset.storageId;
  }

  /** The registration the NameNode returned (undefined while not registered). */
  get registration(): DatanodeRegistration | undefined {
    return this.#actor.registration;
  }

  /** Resolves true once registered with the NameNode, false after `timeoutMs`. */
  waitRegistered(timeoutMs: number): Promise<boolean> {
    return this.#actor.waitRegistered(timeoutMs);
  }

  /** Sends a heartbeat now instead of at the next interval. */
  triggerHeartbeat(): void {
    this.#actor.triggerHeartbeat();
  }

  /** Open data transfer connections. */
  get connectionCount(): number {
    return this.#server.connectionCount;
  }

  async stop(): Promise<void> {
    if (this.#stopped) return this.#stopped;
    this.#stopped = this.#stop();
    return this.#stopped;
  }

  async #stop(): Promise<void> {
    const linkDone = this.#actor.stop();
    await this.#transfers.stop();
    await this.#server.stop();
    await this.#ipc.stop();
    this.#rpc.release(); // fails a call in flight so the link ends now
    await linkDone;
    for (const r of this.#resolvers) r?.close?.();
    await this.dataset.close();
    this.identity.close();
    log.info({ datanodeUuid: this.datanodeUuid }, 'DataNode stopped');
  }
}

/** HDFSPolicyProvider's entry for the protocol the DataNode serves on its IPC port. */
export const DATANODE_POLICY: readonly PolicyEntry[] = [{
  info: INTER_DATANODE_PROTOCOL_INFO, aclKey: 'security.inter.datanode.protocol.acl', blockedKey: 'security.inter.datanode.protocol.acl.blocked',
  hostsKey: 'security.inter.datanode.protocol.hosts', blockedHostsKey: 'security.inter.datanode.protocol.hosts.blocked',
}, {
  info: CLIENT_DATANODE_PROTOCOL_INFO, aclKey: 'security.client.datanode.protocol.acl', blockedKey: 'security.client.datanode.protocol.acl.blocked',
  hostsKey: 'security.client.datanode.protocol.hosts', blockedHostsKey: 'security.client.datanode.protocol.hosts.blocked',
}];

/**
 * DataNode.checkSecureConfig with the port as bound: Kerberos needs block tokens, and a privileged
 * data port without SASL or an unprivileged one with dfs.data.transfer.protection.
 */
export function checkSecureConfig(securityEnabled: boolean, settings: Pick<DataNodeSettings, 'blockTokenEnabled' | 'ignoreSecurePortsForTesting'>, xferPort: number, resolver: SaslPropertiesResolver | undefined): void {
  if (!securityEnabled) return;
  if (!settings.blockTokenEnabled) {
    throw new ConfigError('CONFIG_INVALID', 'Security is enabled but block access tokens (via dfs.block.access.token.enable) aren\'t enabled. This may cause issues when clients attempt to connect to a DataNode. Aborting DataNode', {
      configKey: 'dfs.block.access.token.enable',
    });
  }
  const privileged = isPrivilegedPort(xferPort);
  if (privileged && resolver === undefined) return;
  if (settings.ignoreSecurePortsForTesting) return;
  if (!privileged && resolver !== undefined) return;
  throw new ConfigError(
    'CONFIG_INVALID',
    `Cannot start secure DataNode without configuring either privileged resources or SASL RPC data transfer protection. Using privileged resources in combination with SASL RPC data transfer protection is not supported. The data port is ${xferPort} (dfs.datanode.address): use a port below 1024 without dfs.data.transfer.protection, or a port from 1024 with dfs.data.transfer.protection=authentication|integrity|privacy`,
    { configKey: privileged ? 'dfs.data.transfer.protection' : 'dfs.datanode.address', port: xferPort },
  );
}

/** DataXceiver.checkAndWaitForBP: the registered block pool, waiting up to dfs.datanode.bp-ready.timeout. */
async function blockPoolService(actor: BPServiceActor, bpid: string, settings: DataNodeSettings): Promise<BlockPoolService> {
  const registered = actor.registration ? true : await actor.waitRegistered(settings.bpReadyTimeoutMs);
  const registration = actor.registration;
  if (!registered || !registration || actor.blockPoolId !== bpid) {
    throw new ReplicaError('REPLICA_NOT_FOUND', `Not ready to serve the block pool, ${bpid}.`, { blockPoolId: bpid });
  }
  return {
    xferAddr: `${registration.datanodeID.ipAddr}:${registration.datanodeID.xferPort}`,
    notifyReceiving: (r) => actor.notifyReceiving(r),
    notifyReceived: (r) => actor.notifyReceived(r),
  };
}

/** InetSocketAddress.equals for `host:port` and the NameNode address: same port, same resolved address. */
async function sameSocketAddress(hostPort: string, nameNode: HostPort): Promise<boolean> {
  let asked: HostPort;
  try {
    asked = parseHostPort(hostPort, 'namenode_host:ipc_port');
  } catch {
    return false;
  }
  if (asked.port !== nameNode.port) return false;
  const resolve = (host: string) => resolveAddress(host).catch(() => host);
  return (await resolve(asked.host)) === (await resolve(nameNode.host));
}
