/**
 * The hsec NameNode (Hadoop's NameNode + NameNodeRpcServer + FSNamesystem), built on the
 * secure-service foundation (cluster/service): its identity is `dfs.namenode.kerberos.principal` /
 * `dfs.namenode.keytab.file` with `_HOST` as NameNode.getRpcServerAddress names it; it accepts
 * KERBEROS (GSSAPI) and TOKEN (DIGEST-MD5 against its delegation-token secret manager) with the QOP
 * of the SaslPropertiesResolver, and with hadoop.security.authorization the service ACLs (read from
 * the start configuration with its directory's hadoop-policy.xml layered on, as
 * ServiceAuthorizationManager.refresh does) and the DataNode principal check. One RPC server serves:
 *  - ClientProtocol: the delegation-token calls and getServerDefaults (token-service.ts) and the
 *    namespace and data-path calls of a stock DFSClient (client-service.ts over namesystem.ts and
 *    file-writes.ts), located blocks carrying block tokens;
 *  - DatanodeProtocol (datanode-service.ts): registration and heartbeats handing out the block keys,
 *    block reports, incremental reports;
 *  - RefreshAuthorizationPolicyProtocol and RefreshUserMappingsProtocol (admin-service.ts): the
 *    `hdfs dfsadmin` refresh calls, applied to this server's ServiceAuthorizer, Groups and
 *    ProxyUsers (hadoop.proxyuser.* impersonation rules, checked for every proxied connection).
 * State in `dfs.namenode.name.dir`: the namespace journal + snapshot in `hsec-namespace/` and the
 * delegation keys and tokens in `hsec-delegation-tokens/` (or, with
 * hsec.namenode.delegation.token.store=zookeeper, in ZooKeeper shared with other NameNodes:
 * ./token-store.ts), each change durable before it takes effect. Block keys live in memory and roll every dfs.block.access.key.update.interval; block
 * locations come back with the DataNodes' block reports after a restart, as in Hadoop.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CONF_DIR, loadConfiguration, type Configuration } from '../../lib/config/index.ts';
import { ConfigError } from '../../lib/errors/index.ts';
import { getLogger } from '../../lib/log/logger.ts';
import type { HostPort } from '../../lib/net/host-port.ts';
import { isWildcard, resolveAddress, socketHostName } from '../../lib/net/resolve.ts';
import type { Clock } from '../../lib/time/clock.ts';
import { systemClock } from '../../lib/time/clock.ts';
import { ProxyUsers } from '../../security/authorize/proxy-users.ts';
import { ServiceAuthorizer, type PolicyEntry } from '../../security/authorize/service-authorization.ts';
import { Groups } from '../../security/identity/groups.ts';
import type { Krb5Config } from '../../security/kerberos/config/index.ts';
import { delegationTokenAuthority } from '../../security/sasl/rpc/token-authority.ts';
import { BlockTokenSecretManager } from '../../security/token/block-token-secret-manager.ts';
import { DelegationTokenSecretManager } from '../../security/token/secret-manager.ts';
import { CLIENT_PROTOCOL_INFO } from '../protocol/client-protocol.ts';
import { DATANODE_PROTOCOL_INFO } from '../protocol/datanode-protocol.ts';
import { nameNodeClientAddress } from '../protocol/namenode-address.ts';
import { REFRESH_AUTHORIZATION_POLICY_INFO, REFRESH_USER_MAPPINGS_INFO } from '../protocol/refresh-protocols.ts';
import { RpcService } from '../service/rpc-service.ts';
import { ServiceIdentity } from '../service/service-identity.ts';
import { NameNodeAdminService } from './admin-service.ts';
import { BlockManager } from './blocks/block-manager.ts';
import { DatanodeManager } from './blocks/datanode-manager.ts';
import { ClientService } from './client-service.ts';
import { DatanodeService, SOFTWARE_VERSION } from './datanode-service.ts';
import { FileAttributes } from './file-attributes.ts';
import { FileWrites } from './file-writes.ts';
import { nameNodeSettings, principalHostName, type NameNodeSettings } from './namenode-config.ts';
import { hostFilesOf } from './namenode-admin-ops.ts';
import { FsDirectory } from './namespace/fs-directory.ts';
import { NamespaceStore } from './namespace/namespace-store.ts';
import { FsNamesystem } from './namesystem.ts';
import { NameNodeTokenService } from './token-service.ts';
import { TrashEmptier } from './trash-emptier.ts';
import { nameNodeTokenStore } from './token-store.ts';

export { LEGACY_TOKEN_STORE_FILE, TOKEN_STORE_DIR } from './token-store.ts';
/** Directory in the name directory holding the namespace (journal + snapshot). */
export const NAMESPACE_DIR = 'hsec-namespace';
/** HeartbeatManager.Monitor's period: dead DataNodes and block key rolls are checked this often. */
export const MONITOR_INTERVAL_MS = 5000;

export interface NameNodeOptions {
  /**
   * Clock of the secret managers, leases, heartbeats and file times (tests drive token expiry and
   * key rolls with a ManualClock); Kerberos always uses real time.
   */
  clock?: Clock;
  /** How often the heartbeat / block key monitor runs (default 5000 ms, as Hadoop's HeartbeatManager). */
  monitorIntervalMs?: number;
  /** Local host name for `_HOST` when the RPC host is a wildcard (default: the local canonical host name). */
  localHostName?: string;
  /** Port override (0 = any free port; tests). */
  port?: number;
  /** Name directory override (the pseudo-cluster keeps it in its temp dir). */
  nameDir?: string;
  /**
   * krb5.conf whose default_realm completes a principal configured without `@REALM` (and is then the
   * auth_to_local default realm), whose clockskew and permitted_enctypes are the acceptor's policy,
   * and whose KDCs the keytab login (`login`) uses. Default: KRB5_CONFIG or /etc/krb5.conf; none
   * found = 300 s skew, every implemented enctype.
   */
  krb5?: Krb5Config;
  /**
   * Log in from the keytab at start, as Hadoop's NameNode does (loginAsNameNodeUser ->
   * UGI.loginUserFromKeytab): an AS exchange with the KDC of `krb5`, so a stale keytab or an unknown
   * principal fails the start instead of the first client's connection. The login refreshes as
   * hadoop.kerberos.min.seconds.before.relogin / hadoop.kerberos.keytab.login.autorenewal.enabled say.
   * `hsec namenode` and the pseudo-cluster set it; default false (accepting needs only the keytab).
   */
  login?: boolean;
  /**
   * What the refresh calls (dfsadmin -refreshServiceAcl, -refreshSuperUserGroupsConfiguration) load
   * again: Hadoop's `new Configuration()`, the site files of the configuration directory, without
   * the -D / -conf options given at start (the ACL refresh layers the hadoop-policy.xml of the
   * directory the result was loaded from on top). `hsec namenode` passes its --config directory; default:
   * HADOOP_CONF_DIR, else /etc/hadoop/conf when it exists, else the declared defaults.
   */
  reloadConfiguration?: () => Configuration;
  /**
   * hadoop.log.dir: where `hdfs dfsadmin -metasave <file>` writes (FSNamesystem.metaSave). Default:
   * HADOOP_LOG_DIR, else the working directory (Java's `new File(null, file)`).
   */
  logDir?: string;
}

/**
 * HDFSPolicyProvider's entries for the protocols the NameNode serves: each protocol's service ACL
 * key, host-list key (ServiceAuthorizationManager.getHostKey) and their `.blocked` twins.
 */
export const NAMENODE_POLICY: readonly PolicyEntry[] = [
  {
    info: CLIENT_PROTOCOL_INFO, aclKey: 'security.client.protocol.acl', blockedKey: 'security.client.protocol.acl.blocked',
    hostsKey: 'security.client.protocol.hosts', blockedHostsKey: 'security.client.protocol.hosts.blocked',
  },
  {
    info: DATANODE_PROTOCOL_INFO, aclKey: 'security.datanode.protocol.acl', blockedKey: 'security.datanode.protocol.acl.blocked',
    hostsKey: 'security.datanode.protocol.hosts', blockedHostsKey: 'security.datanode.protocol.hosts.blocked',
  },
  {
    info: REFRESH_AUTHORIZATION_POLICY_INFO, aclKey: 'security.refresh.policy.protocol.acl', blockedKey: 'security.refresh.policy.protocol.acl.blocked',
    hostsKey: 'security.refresh.policy.protocol.hosts', blockedHostsKey: 'security.refresh.policy.protocol.hosts.blocked',
  },
  {
    info: REFRESH_USER_MAPPINGS_INFO, aclKey: 'security.refresh.user.mappings.protocol.acl', blockedKey: 'security.refresh.user.mappings.protocol.acl.blocked',
    hostsKey: 'security.refresh.user.mappings.protocol.hosts', blockedHostsKey: 'security.refresh.user.mappings.protocol.hosts.blocked',
  },
];

const log = getLogger('namenode');

export class NameNode {
  readonly settings: NameNodeSettings;
  readonly identity: ServiceIdentity;
  readonly secretManager: DelegationTokenSecretManager;
  readonly namesystem: FsNamesystem;
  /** The master block token manager (undefined with dfs.block.access.token.enable=false). */
  readonly blockTokens: BlockTokenSecretManager | undefined;
  readonly #service: RpcService;
  readonly #timers: NodeJS.Timeout[];
  /** The trash emptier (fs.trash.interval above 0). */
  readonly trashEmptier: TrashEmptier | undefined;

  private constructor(parts: {
    settings: NameNodeSettings; identity: ServiceIdentity; sm: DelegationTokenSecretManager; namesystem: FsNamesystem;
    blockTokens: BlockTokenSecretManager | undefined; service: RpcService; timers: NodeJS.Timeout[]; trashEmptier: TrashEmptier | undefined;
  }) {
    this.settings = parts.settings;
    this.identity = parts.identity;
    this.secretManager = parts.sm;
    this.namesystem = parts.namesystem;
    this.blockTokens = parts.blockTokens;
    this.#service = parts.service;
    this.#timers = parts.timers;
    this.trashEmptier = parts.trashEmptier;
  }

  /** Builds the NameNode from a validated configuration, loads its namespace and token store and starts listening. */
  static async start(conf: Configuration, options: NameNodeOptions = {}): Promise<NameNode> {
    const settings = nameNodeSettings(conf);
    if (options.nameDir) settings.nameDir = options.nameDir;
    const identity = await ServiceIdentity.resolve(
      conf,
      { name: 'NameNode', principalKey: 'dfs.namenode.kerberos.principal', keytabKey: 'dfs.namenode.keytab.file', principalHost: await principalHostName(conf, options.localHostName) },
      { ...(options.krb5 ? { krb5: options.krb5 } : {}), ...(options.login ? { login: true } : {}) },
    );
    let sm: DelegationTokenSecretManager | undefined;
    let store: NamespaceStore | undefined;
    try {
      if (identity.security === 'kerberos' && !settings.blockTokens) {
        // BlockManager.createBlockTokenSecretManager refuses the same configuration
        throw new ConfigError('CONFIG_INVALID', 'Security is enabled but block access tokens (via dfs.block.access.token.enable) aren\'t enabled. ' +
          'This may cause issues when clients attempt to connect to a DataNode. Aborting NameNode: set dfs.block.access.token.enable=true', { configKey: 'dfs.block.access.token.enable' });
      }
      const clock = options.clock ?? systemClock;
      const groups = Groups.fromConfiguration(conf, clock);
      const superUser = identity.principal ? identity.shortName(identity.principal) : userInfo().username;
      const bt = settings.blockTokens;
      const blockTokens = bt ? BlockTokenSecretManager.master({ ...bt, blockPoolId: '', clock }) : undefined;
      const blocks = new BlockManager({ tokens: blockTokens ?? null, redundancy: settings.redundancy, clock });
      const datanodes = new DatanodeManager({ blocks, tokens: blockTokens ?? null, ...settings.datanodes, softwareVersion: SOFTWARE_VERSION });
      store = new NamespaceStore({ dir: join(settings.nameDir, NAMESPACE_DIR), configKey: 'dfs.namenode.name.dir' });
      const { permissionsEnabled, superGroup, ...limits } = settings.namesystem;
      const namesystem = new FsNamesystem({ settings: { ...limits, permissions: { enabled: permissionsEnabled, superUser, superGroup } }, clock, store, blocks, datanodes });
      const ip = await bindIp(settings.host);
      await namesystem.load(() => formatNamespace(ip, superUser, superGroup, clock.now()));
      namesystem.nameNodeHostName = await socketHostName(nameNodeClientAddress(conf).host);
      blockTokens?.setBlockPoolId(namesystem.fsd.identity.blockPoolId);
      const writes = new FileWrites(namesystem, settings.blockRecoveryTimeoutMs);

      sm = new DelegationTokenSecretManager({
        clock,
        keyUpdateInterval: settings.keyUpdateInterval,
        tokenMaxLifetime: settings.tokenMaxLifetime,
        tokenRenewInterval: settings.tokenRenewInterval,
        store: nameNodeTokenStore(conf, settings.nameDir, identity.krb5),
        shortName: identity.shortName,
      });
      // Hadoop starts the secret manager's threads only with security on (FSNamesystem.startSecretManagerIfNecessary).
      if (identity.security === 'kerberos') await sm.start();
      const tokens = new NameNodeTokenService({ secretManager: sm, securityEnabled: identity.security === 'kerberos', serverDefaults: settings.serverDefaults, shortName: identity.shortName, auditLog: namesystem.auditLog,
        checkSafeMode: (errorMsg) => namesystem.checkNameNodeSafeMode(errorMsg),
      });
      const reloadConfiguration = options.reloadConfiguration ?? (() => loadConfiguration({ defaultConfDir: DEFAULT_CONF_DIR }));
      // DatanodeManager's constructor reads the host files; a failure is logged and the lists stay empty
      await namesystem.datanodes.refreshNodes(hostFilesOf(conf), clock.now()).catch((e: Error) => log.error({ err: e.message }, `error reading hosts files: ${e.message}`));
      const client = new ClientService({
        namesystem, writes, attributes: new FileAttributes(namesystem), groups, tokens: blockTokens ?? null, encryptDataTransfer: settings.serverDefaults.encryptDataTransfer,
        admin: { logDir: options.logDir ?? (process.env['HADOOP_LOG_DIR'] || process.cwd()), restoreFailedStorage: settings.restoreFailedStorage, reloadConfiguration },
      });
      const dnService = new DatanodeService(namesystem, writes);
      const authorizer = ServiceAuthorizer.fromConfiguration(conf, NAMENODE_POLICY, groups);
      const proxyUsers = new ProxyUsers(conf, groups, (user) => identity.shortName(user));
      const admin = new NameNodeAdminService({
        authorizer, groups, proxyUsers, namesystem,
        reloadConfiguration,
      });
      const service = await RpcService.start(conf, {
        identity,
        bind: { host: settings.host, port: options.port ?? settings.port, configKey: settings.addressKey },
        protocols: [
          { info: CLIENT_PROTOCOL_INFO, handlers: { ...tokens.handlers(), ...client.handlers() } },
          { info: DATANODE_PROTOCOL_INFO, handlers: dnService.handlers() },
          { info: REFRESH_AUTHORIZATION_POLICY_INFO, handlers: admin.refreshAuthorizationPolicyHandlers() },
          { info: REFRESH_USER_MAPPINGS_INFO, handlers: admin.refreshUserMappingsHandlers() },
        ],
        tokenAuthority: delegationTokenAuthority(sm),
        authorizer,
        server: { authorizeProxy: (q) => proxyUsers.authorize(q) },
      });
      const timers = [
        every(options.monitorIntervalMs ?? MONITOR_INTERVAL_MS, 'heartbeat monitor', () => {
          const rolled = blockTokens?.updateKeysIfDue() ?? false;
          namesystem.datanodes.check(clock.now(), rolled);
        }),
        // BlockManager.RedundancyMonitor: computeDatanodeWork, processPendingReconstructions, rescanPostponedMisreplicatedBlocks
        every(settings.redundancyIntervalMs, 'redundancy monitor', () => {
          const now = clock.now();
          namesystem.blocks.redundancy.computeDatanodeWork(namesystem.datanodes.live(), now, namesystem.isInSafeMode());
          namesystem.blocks.redundancy.processPendingReconstructions(now);
          namesystem.blocks.redundancy.rescanPostponedMisreplicatedBlocks();
        }),
        // LeaseManager.Monitor checks no leases while the NameNode is in safe mode
        every(settings.leaseRecheckMs, 'lease monitor', () => (namesystem.isInSafeMode() ? 0 : writes.recoverExpiredLeases())),
      ];
      // the login UGI: the NameNode's principal (KERBEROS), or the process user (SIMPLE)
      const loginUgi = identity.principal ? `${identity.principal} (auth:KERBEROS)` : `${superUser} (auth:SIMPLE)`;
      const trashEmptier = settings.trash ? TrashEmptier.start(namesystem, settings.trash, clock, loginUgi) : undefined;
      const nn = new NameNode({ settings, identity, sm, namesystem, blockTokens, service, timers, trashEmptier });
      log.info({ host: service.address.host, port: service.address.port, principal: identity.principal, blockPoolId: namesystem.fsd.identity.blockPoolId, blockTokens: !!blockTokens }, 'NameNode RPC up');
      return nn;
    } catch (e) {
      await sm?.stop();
      await store?.close();
      identity.close();
      throw e;
    }
  }

  /** The bound RPC address. */
  get address(): HostPort {
    return this.#service.address;
  }

  /** The service principal (undefined with security off). */
  get principal(): string | undefined {
    return this.identity.principal;
  }

  /** The NameNode's own keytab login (with `login: true`). */
  get login() {
    return this.identity.login;
  }

  async stop(): Promise<void> {
    for (const t of this.#timers) clearInterval(t);
    await this.trashEmptier?.stop();
    await this.#service.stop();
    await this.namesystem.write(async () => undefined);
    this.namesystem.close();
    await this.namesystem.store.close();
    await this.secretManager.stop();
    this.identity.close();
  }
}

/** A periodic job whose failures are logged, never thrown; it does not keep the process alive. */
function every(ms: number, what: string, job: () => unknown): NodeJS.Timeout {
  let running = false;
  const t = setInterval(() => {
    if (running) return;
    running = true;
    Promise.resolve().then(job).catch((err) => log.error({ err: (err as Error).message }, `${what} failed; it runs again`)).finally(() => { running = false; });
  }, ms);
  t.unref();
  return t;
}

/** The IP a new block pool id names (NNStorage.newBlockPoolID uses DNS.getDefaultIP). */
async function bindIp(host: string): Promise<string> {
  try {
    return await resolveAddress(isWildcard(host) ? hostname() : host);
  } catch {
    return 'unknownIP';
  }
}

/**
 * A new namespace (`hdfs namenode -format`): a random namespace id, cluster id `CID-<uuid>`, block
 * pool id `BP-<random>-<ip>-<ms>` (NNStorage.newNamespaceID / newClusterID / newBlockPoolID), and
 * a root owned by the NameNode's user and the supergroup, 0755.
 */
function formatNamespace(ip: string, owner: string, group: string, now: number): FsDirectory {
  return new FsDirectory(
    { namespaceId: randomInt(1, 0x7fffffff), clusterId: `CID-${randomUUID()}`, blockPoolId: `BP-${randomInt(0, 0x7fffffff)}-${ip}-${now}`, cTime: 0 },
    { owner, group, mtime: now },
  );
}
