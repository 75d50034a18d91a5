/**
 * The hsec NameNode: a Hadoop-IPC ClientProtocol server for delegation tokens (Hadoop's NameNode +
 * NameNodeRpcServer + FSNamesystem token parts), built on the secure-service foundation
 * (cluster/service): its identity is `dfs.namenode.kerberos.principal` / `dfs.namenode.keytab.file`
 * with `_HOST` as NameNode.getRpcServerAddress names it; it accepts KERBEROS (GSSAPI) and TOKEN
 * (DIGEST-MD5 against its own secret manager) with the QOP of the SaslPropertiesResolver; it persists
 * keys and tokens in a journal store in `<dfs.namenode.name.dir>/hsec-delegation-tokens/` (durable
 * before a change takes effect) or, with hsec.namenode.delegation.token.store=zookeeper, in
 * ZooKeeper shared with other NameNodes (./token-store.ts), so a restarted NameNode still accepts
 * its tokens; and it serves
 * get/renew/cancelDelegationToken and getServerDefaults.
 */
import type { Configuration } from '../../lib/config/index.ts';
import { getLogger } from '../../lib/log/logger.ts';
import type { HostPort } from '../../lib/net/host-port.ts';
import type { Clock } from '../../lib/time/clock.ts';
import { systemClock } from '../../lib/time/clock.ts';
import type { Krb5Config } from '../../security/kerberos/config/index.ts';
import { delegationTokenAuthority } from '../../security/sasl/rpc/token-authority.ts';
import { DelegationTokenSecretManager } from '../../security/token/secret-manager.ts';
import { CLIENT_PROTOCOL_INFO } from '../protocol/client-protocol.ts';
import { RpcService } from '../service/rpc-service.ts';
import { ServiceIdentity } from '../service/service-identity.ts';
import { nameNodeSettings, principalHostName, type NameNodeSettings } from './namenode-config.ts';
import { NameNodeTokenService } from './token-service.ts';
import { nameNodeTokenStore } from './token-store.ts';

export { LEGACY_TOKEN_STORE_FILE, TOKEN_STORE_DIR } from './token-store.ts';

export interface NameNodeOptions {
  /** Clock of the token secret manager (tests drive token expiry with a ManualClock); Kerberos always uses real time. */
  clock?: Clock;
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
}

const log = getLogger('namenode');

export class NameNode {
  readonly settings: NameNodeSettings;
  readonly identity: ServiceIdentity;
  readonly secretManager: DelegationTokenSecretManager;
  readonly #service: RpcService;

  private constructor(settings: NameNodeSettings, identity: ServiceIdentity, sm: DelegationTokenSecretManager, service: RpcService) {
    this.settings = settings;
    this.identity = identity;
    this.secretManager = sm;
    this.#service = service;
  }

  /** Builds the NameNode from a validated configuration, loads its token store and starts listening. */
  static async start(conf: Configuration, options: NameNodeOptions = {}): Promise<NameNode> {
    const settings = nameNodeSettings(conf);
    if (options.nameDir) settings.nameDir = options.nameDir;
    const identity = await ServiceIdentity.resolve(
      conf,
      { name: 'NameNode', principalKey: 'dfs.namenode.kerberos.principal', keytabKey: 'dfs.namenode.keytab.file', principalHost: await principalHostName(conf, options.localHostName) },
      { ...(options.krb5 ? { krb5: options.krb5 } : {}), ...(options.login ? { login: true } : {}) },
    );
    let sm: DelegationTokenSecretManager | undefined;
    try {
      sm = new DelegationTokenSecretManager({
        clock: options.clock ?? systemClock,
        keyUpdateInterval: settings.keyUpdateInterval,
        tokenMaxLifetime: settings.tokenMaxLifetime,
        tokenRenewInterval: settings.tokenRenewInterval,
        store: nameNodeTokenStore(conf, settings.nameDir, identity.krb5),
        shortName: identity.shortName,
      });
      // Hadoop starts the secret manager's threads only with security on (FSNamesystem.startSecretManagerIfNecessary).
      if (identity.security === 'kerberos') await sm.start();
      const tokens = new NameNodeTokenService({ secretManager: sm, securityEnabled: identity.security === 'kerberos' });
      const service = await RpcService.start(conf, {
        identity,
        bind: { host: settings.host, port: options.port ?? settings.port, configKey: settings.addressKey },
        protocols: [{ info: CLIENT_PROTOCOL_INFO, handlers: tokens.handlers() }],
        tokenAuthority: delegationTokenAuthority(sm),
      });
      const nn = new NameNode(settings, identity, sm, service);
      log.info({ host: service.address.host, port: service.address.port, principal: identity.principal }, 'NameNode RPC up');
      return nn;
    } catch (e) {
      await sm?.stop();
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
    await this.#service.stop();
    await this.secretManager.stop();
    this.identity.close();
  }
}
