/**
 * The hsec NameNode: a Hadoop-IPC ClientProtocol server for delegation tokens (Hadoop's NameNode +
 * NameNodeRpcServer + FSNamesystem token parts). It accepts KERBEROS (GSSAPI with the keytab of
 * `dfs.namenode.kerberos.principal`) and TOKEN (DIGEST-MD5 against its own secret manager)
 * connections with the QOP from the SaslPropertiesResolver, persists keys and tokens in a journal
 * store in `<dfs.namenode.name.dir>/hsec-delegation-tokens/` so a restarted NameNode still accepts
 * its tokens, and serves get/renew/cancelDelegationToken and getServerDefaults.
 */
import { join } from 'node:path';
import type { Configuration } from '../../lib/config/index.ts';
import { ConfigError, HsecError, KerberosError } from '../../lib/errors/index.ts';
import { loadKrb5Config, type Krb5Config } from '../../security/kerberos/config/index.ts';
import { getLogger } from '../../lib/log/logger.ts';
import type { Clock } from '../../lib/time/clock.ts';
import { systemClock } from '../../lib/time/clock.ts';
import { AcceptorCredential } from '../../security/kerberos/gss/acceptor-credential.ts';
import { AuthToLocal } from '../../security/kerberos/names/index.ts';
import { loginFromKeytab, type KerberosLogin } from '../../security/kerberos/login/index.ts';
import { createSaslServer } from '../../security/sasl/index.ts';
import '../../security/sasl/mechanisms/gssapi/index.ts';
import { rpcServerOptionsFromConfig } from '../../security/sasl/rpc/config.ts';
import { RpcServer } from '../../security/sasl/rpc/rpc-server.ts';
import type { KerberosServerCredentials } from '../../security/sasl/rpc/sasl-rpc-server.ts';
import { DelegationTokenSecretManager } from '../../security/token/secret-manager.ts';
import { JournalTokenStore } from '../../security/token/store/journal/journal-token-store.ts';
import { CLIENT_PROTOCOL } from '../protocol/client-protocol.ts';
import { resolveNameNodeSettings } from './namenode-config.ts';
import type { NameNodeSettings } from './namenode-config.ts';
import { NameNodeTokenService } from './token-service.ts';
import { delegationTokenAuthority } from '../../security/sasl/rpc/token-authority.ts';
import { kerberosLoginOptionsFromConfig } from './login-options.ts';

/** Directory in the name directory holding the delegation keys and tokens (journal store). */
export const TOKEN_STORE_DIR = 'hsec-delegation-tokens';
/** The whole-file JSON store of earlier versions, migrated into TOKEN_STORE_DIR on first start. */
export const LEGACY_TOKEN_STORE_FILE = 'hsec-delegation-tokens.json';

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
   * and whose KDCs the keytab login (`login`) uses. Default: loadKrb5Config() (KRB5_CONFIG or
   * /etc/krb5.conf); none found = 300 s skew, every implemented enctype.
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
  readonly secretManager: DelegationTokenSecretManager;
  /** The NameNode's own keytab login (with `login: true`). */
  readonly login: KerberosLogin | undefined;
  readonly #server: RpcServer;
  #address: { host: string; port: number } | undefined;

  private constructor(settings: NameNodeSettings, sm: DelegationTokenSecretManager, server: RpcServer, login: KerberosLogin | undefined) {
    this.settings = settings;
    this.secretManager = sm;
    this.#server = server;
    this.login = login;
  }

  /** Builds the NameNode from a validated configuration, loads its token store and starts listening. */
  static async start(conf: Configuration, options: NameNodeOptions = {}): Promise<NameNode> {
    const settings = await resolveNameNodeSettings(conf, options.localHostName);
    if (options.nameDir) settings.nameDir = options.nameDir;
    // Hadoop: KerberosName's default realm is krb5.conf default_realm (KerberosUtil.getDefaultRealm),
    // and a keytab login of a realm-less principal gets that realm. hsec uses the principal's realm
    // when it names one (the same in a one-realm setup) and krb5.conf's default_realm otherwise.
    // The krb5.conf of this process (Hadoop: the JVM's): default_realm, clockskew and
    // permitted_enctypes of the acceptor, the KDCs of the keytab login.
    const krb5 = settings.security === 'kerberos' ? (options.krb5 ?? optionalKrb5Config()) : options.krb5;
    let realm = settings.principal?.includes('@') ? settings.principal.slice(settings.principal.lastIndexOf('@') + 1) : '';
    if (settings.principal && !realm) {
      realm = krb5?.defaultRealm ?? '';
      if (!realm) {
        throw new ConfigError('CONFIG_INVALID', `dfs.namenode.kerberos.principal ${settings.principal} has no @REALM and krb5.conf has no default_realm: add the realm to the principal or set default_realm (KRB5_CONFIG)`, {
          configKey: 'dfs.namenode.kerberos.principal',
          principal: settings.principal,
        });
      }
      settings.principal = `${settings.principal}@${realm}`;
    }
    const login = settings.security === 'kerberos' && options.login ? await keytabLogin(conf, settings, krb5) : undefined;
    const authToLocal = AuthToLocal.fromConfiguration(conf, { defaultRealm: realm });
    const shortName = (name: string): string => (/[/@]/.test(name) ? authToLocal.shortName(name) : name);
    const sm = new DelegationTokenSecretManager({
      clock: options.clock ?? systemClock,
      keyUpdateInterval: settings.keyUpdateInterval,
      tokenMaxLifetime: settings.tokenMaxLifetime,
      tokenRenewInterval: settings.tokenRenewInterval,
      store: new JournalTokenStore({
        dir: join(settings.nameDir, TOKEN_STORE_DIR),
        legacyJsonFile: join(settings.nameDir, LEGACY_TOKEN_STORE_FILE),
        configKey: 'dfs.namenode.name.dir',
      }),
      shortName,
    });
    const kerberos = settings.security === 'kerberos' ? kerberosCredentials(settings, krb5) : undefined;
    // The IPC settings of the site files (ipc.maximum.data.length, ipc.server.listen.queue.size, the
    // SaslPropertiesResolver of hadoop.rpc.protection / hadoop.security.saslproperties.resolver.class).
    const server = new RpcServer({
      ...rpcServerOptionsFromConfig(conf),
      authentication: settings.security,
      tokenAuthority: delegationTokenAuthority(sm),
      kerberos,
      shortName: (user) => shortName(user),
    });
    const service = new NameNodeTokenService({ secretManager: sm, securityEnabled: settings.security === 'kerberos' });
    server.registerProtocol(CLIENT_PROTOCOL, service.handlers());
    // Hadoop starts the secret manager's threads only with security on (FSNamesystem.startSecretManagerIfNecessary).
    if (settings.security === 'kerberos') {
      await sm.start().catch((e: unknown) => {
        login?.close();
        throw e;
      });
    }
    const nn = new NameNode(settings, sm, server, login);
    try {
      nn.#address = await server.start(settings.host, options.port ?? settings.port);
    } catch (e) {
      await sm.stop();
      login?.close();
      throw e;
    }
    log.info({ host: nn.#address.host, port: nn.#address.port, principal: settings.principal }, 'NameNode RPC up');
    return nn;
  }

  /** The bound RPC address. */
  get address(): { host: string; port: number } {
    if (!this.#address) throw new HsecError('SERVICE_NOT_RUNNING', 'NameNode not started: await NameNode.start(conf) before reading its address', { service: 'NameNode' });
    return this.#address;
  }

  async stop(): Promise<void> {
    await this.#server.stop();
    await this.secretManager.stop();
    this.login?.close();
  }
}

/** UGI.loginUserFromKeytab for the NameNode principal; a failure names the principal and keytab (Hadoop: "Login failure for ... from keytab ..."). */
async function keytabLogin(conf: Configuration, settings: NameNodeSettings, krb5: Krb5Config | undefined): Promise<KerberosLogin> {
  const principal = settings.principal!;
  const keytab = settings.keytab!;
  try {
    return await loginFromKeytab(principal, keytab, { conf: krb5 ?? loadKrb5Config(), ...kerberosLoginOptionsFromConfig(conf, 'keytab') });
  } catch (e) {
    const code = e instanceof HsecError ? e.code : 'KRB_KEYTAB';
    throw new KerberosError(code, `Login failure for ${principal} from keytab ${keytab}: ${(e as Error).message}`, { principal, keytab, configKey: 'dfs.namenode.keytab.file' }, { cause: e });
  }
}

/**
 * The GSSAPI acceptor of the NameNode principal: its keytab keys, with krb5.conf's clockskew and
 * permitted_enctypes as the acceptor policy (MIT krb5_rd_req; the JDK reads the same krb5.conf).
 */
function kerberosCredentials(settings: NameNodeSettings, krb5: Krb5Config | undefined): KerberosServerCredentials {
  const principal = settings.principal!;
  const credential = AcceptorCredential.fromKeytab(settings.keytab!, { principals: [principal], ...(krb5 ? { krb5Config: krb5 } : {}) });
  const protocol = principal.split('/')[0]!;
  return {
    principal,
    createServer: (qop) => createSaslServer('GSSAPI', { credential, protocol, qop }),
  };
}

/** The process's krb5.conf, or undefined when there is none. */
function optionalKrb5Config(): Krb5Config | undefined {
  try {
    return loadKrb5Config();
  } catch {
    return undefined;
  }
}
