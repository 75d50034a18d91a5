/**
 * A ZooKeeper session built synchronously from configuration, for the pieces that must exist before
 * anything is awaited (a SaslPropertiesResolver is built by a synchronous factory): the ZkClient
 * starts connecting at once, and a Kerberos keytab login, when configured, happens on the first
 * connection attempt, inside the SASL step (so a KDC that is down delays that attempt, which the
 * client retries, instead of failing construction). Several users may share one session: each
 * `acquire()` returns its release, and the last release closes the client and the login.
 */
import { ConfigError } from '../../lib/errors/index.ts';
import { localCanonicalHostName } from '../../lib/net/resolve.ts';
import { ZkClient, zkClientOptionsFromConfig, type ZkClientOptions, type ZkConfigSource, type ZkSaslFactory } from '../../lib/zk/index.ts';
import { substituteHost } from '../kerberos/names/index.ts';
import { loginFromKeytab, type KerberosLogin, type LoginOptions } from '../kerberos/login/index.ts';
import { zkKerberosSasl, type ZkKerberosSaslOptions } from './kerberos-sasl.ts';

/** A keytab login for SASL, made on first use. */
export interface ZkKerberosIdentity {
  /** Client principal; `_HOST` is the local canonical host name (SecurityUtil.getServerPrincipal(p, "")). */
  readonly principal: string;
  readonly keytab: string;
  /** Server principal options (service name, whole principal, realm). */
  readonly server?: ZkKerberosSaslOptions;
  /** Login options (krb5.conf ...), or a function giving them, called at the login. */
  readonly loginOptions?: LoginOptions | (() => LoginOptions);
}

export class ZkSession {
  readonly client: ZkClient;
  #login: Promise<KerberosLogin> | undefined;
  #users = 0;
  #closed: Promise<void> | undefined;

  constructor(options: ZkClientOptions, kerberos?: ZkKerberosIdentity) {
    this.client = new ZkClient(kerberos ? { ...options, sasl: this.#lazySasl(kerberos) } : options);
  }

  /** Registers one user of the session; call the returned function once when done. */
  acquire(): () => Promise<void> {
    this.#users++;
    let released = false;
    return async () => {
      if (released) return;
      released = true;
      if (--this.#users === 0) await this.close();
    };
  }

  /** Closes the client and the login (idempotent). */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      await this.client.close();
      const login = await this.#login?.catch(() => undefined);
      login?.close();
    })();
    return this.#closed;
  }

  #lazySasl(k: ZkKerberosIdentity): ZkSaslFactory {
    return async (server) => {
      this.#login ??= (async () => {
        const options = typeof k.loginOptions === 'function' ? k.loginOptions() : (k.loginOptions ?? {});
        return loginFromKeytab(substituteHost(k.principal, '', await localCanonicalHostName()), k.keytab, options);
      })();
      let login: KerberosLogin;
      try {
        login = await this.#login;
      } catch (e) {
        this.#login = undefined; // the next connection attempt logs in again
        throw e;
      }
      return zkKerberosSasl(login, k.server ?? {})(server);
    };
  }
}

/** The session `hadoop.zk.*` describe (hadoop.zk.kerberos.principal/keytab: Kerberos SASL). */
export function zkSessionFromConfig(conf: ZkConfigSource, loginOptions?: ZkKerberosIdentity['loginOptions']): ZkSession {
  const options = zkClientOptionsFromConfig(conf);
  const principal = conf.get('hadoop.zk.kerberos.principal')?.trim() || undefined;
  const keytab = conf.get('hadoop.zk.kerberos.keytab')?.trim() || undefined;
  if (principal === undefined && keytab === undefined) return new ZkSession(options);
  if (principal === undefined || keytab === undefined) {
    const missing = principal === undefined ? 'hadoop.zk.kerberos.principal' : 'hadoop.zk.kerberos.keytab';
    throw new ConfigError('CONFIG_MISSING', `${missing} is not set: Kerberos for ZooKeeper needs both hadoop.zk.kerberos.principal and hadoop.zk.kerberos.keytab`, { configKey: missing });
  }
  const serviceName = conf.get('hadoop.zk.server.principal')?.trim() || undefined;
  return new ZkSession(options, { principal, keytab, ...(serviceName ? { server: { serviceName } } : {}), ...(loginOptions ? { loginOptions } : {}) });
}
