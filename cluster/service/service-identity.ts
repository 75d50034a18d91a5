/**
 * A secure daemon's own identity, resolved once at start for any daemon (NameNode, DataNode, ...),
 * as Hadoop's daemons do it (NameNode.loginAsNameNodeUser, DataNode's SecurityUtil.login,
 * SecurityUtil.getServerPrincipal): the service principal from `<principalKey>` with `_HOST` made the
 * daemon's host name and a missing realm completed from krb5.conf default_realm; the keytab from
 * `<keytabKey>`, checked to hold that principal; optionally a keytab login (UGI.loginUserFromKeytab)
 * that renews itself as hadoop.kerberos.* say; auth_to_local short names
 * (hadoop.security.auth_to_local, default realm = the principal's); and the GSSAPI acceptor with
 * krb5.conf's clockskew and permitted_enctypes. With security off (simple) there is no principal and
 * names map by their first component.
 */
import type { Configuration } from '../../lib/config/index.ts';
import { ConfigError, HsecError, KerberosError } from '../../lib/errors/index.ts';
import { authenticationMethod, type AuthenticationMethod } from '../../security/identity/authentication-method.ts';
import { kerberosLoginOptionsFromConfig } from '../../security/identity/login-options.ts';
import { User } from '../../security/identity/user.ts';
import { loadKrb5Config, type Krb5Config } from '../../security/kerberos/config/index.ts';
import { AcceptorCredential } from '../../security/kerberos/gss/acceptor-credential.ts';
import { loginFromKeytab, type KerberosLogin } from '../../security/kerberos/login/index.ts';
import { AuthToLocal, substituteHost } from '../../security/kerberos/names/index.ts';
import { kerberosServer } from '../../security/sasl/rpc/kerberos.ts';
import type { KerberosServerCredentials } from '../../security/sasl/rpc/sasl-rpc-server.ts';

export interface ServiceIdentitySpec {
  /** The daemon, for messages: `NameNode`. */
  readonly name: string;
  /** Key of the service principal, e.g. dfs.namenode.kerberos.principal. */
  readonly principalKey: string;
  /** Key of its keytab, e.g. dfs.namenode.keytab.file. */
  readonly keytabKey: string;
  /** What `_HOST` stands for (the daemon's host name, resolved by the caller as its Hadoop daemon does). */
  readonly principalHost: string;
}

export interface ServiceIdentityOptions {
  /** krb5.conf (default: KRB5_CONFIG or /etc/krb5.conf; none found = 300 s skew, every enctype, no default realm). */
  readonly krb5?: Krb5Config;
  /** Log in from the keytab now (an AS exchange), so a stale keytab fails the start. */
  readonly login?: boolean;
}

export class ServiceIdentity {
  readonly security: AuthenticationMethod;
  /** The full service principal (kerberos only). */
  readonly principal: string | undefined;
  readonly keytab: string | undefined;
  /** Default realm of auth_to_local: the principal's realm. */
  readonly realm: string;
  readonly krb5: Krb5Config | undefined;
  /** The keytab login (with `login: true`). */
  readonly login: KerberosLogin | undefined;
  /** Principal -> short name (hadoop.security.auth_to_local); plain names stay as they are. */
  readonly shortName: (name: string) => string;
  readonly #acceptor: AcceptorCredential | undefined;

  private constructor(fields: {
    security: AuthenticationMethod;
    principal?: string;
    keytab?: string;
    realm: string;
    krb5?: Krb5Config;
    login?: KerberosLogin;
    shortName: (name: string) => string;
    acceptor?: AcceptorCredential;
  }) {
    this.security = fields.security;
    this.principal = fields.principal;
    this.keytab = fields.keytab;
    this.realm = fields.realm;
    this.krb5 = fields.krb5;
    this.login = fields.login;
    this.shortName = fields.shortName;
    this.#acceptor = fields.acceptor;
  }

  static async resolve(conf: Configuration, spec: ServiceIdentitySpec, options: ServiceIdentityOptions = {}): Promise<ServiceIdentity> {
    const security = authenticationMethod(conf);
    if (security === 'simple') {
      const rules = AuthToLocal.fromConfiguration(conf, { defaultRealm: options.krb5?.defaultRealm ?? '' });
      return new ServiceIdentity({ security, realm: '', shortName: shortNames(rules), ...(options.krb5 ? { krb5: options.krb5 } : {}) });
    }
    const krb5 = options.krb5 ?? optionalKrb5Config();
    const configured = conf.getTrimmed(spec.principalKey);
    if (!configured) throw missing(spec.principalKey, `the ${spec.name} service principal, e.g. nn/_HOST@EXAMPLE.COM`);
    const keytab = conf.getTrimmed(spec.keytabKey);
    let principal = substituteHost(configured, spec.principalHost);
    if (!keytab) throw missing(spec.keytabKey, `the keytab holding ${principal}`);
    let realm = principal.includes('@') ? principal.slice(principal.lastIndexOf('@') + 1) : '';
    if (!realm) {
      realm = krb5?.defaultRealm ?? '';
      if (!realm) {
        throw new ConfigError('CONFIG_INVALID', `${spec.principalKey} ${principal} has no @REALM and krb5.conf has no default_realm: add the realm to the principal or set default_realm (KRB5_CONFIG)`, {
          configKey: spec.principalKey,
          principal,
        });
      }
      principal = `${principal}@${realm}`;
    }
    // The acceptor reads the keytab now: a keytab without the principal fails the start, naming both.
    const acceptor = AcceptorCredential.fromKeytab(keytab, { principals: [principal], ...(krb5 ? { krb5Config: krb5 } : {}) });
    const login = options.login ? await keytabLogin(conf, spec, principal, keytab, krb5) : undefined;
    const rules = AuthToLocal.fromConfiguration(conf, { defaultRealm: realm });
    return new ServiceIdentity({ security, principal, keytab, realm, shortName: shortNames(rules), acceptor, ...(krb5 ? { krb5 } : {}), ...(login ? { login } : {}) });
  }

  /** The GSSAPI side of the daemon's RPC server (undefined with security off). */
  kerberosServer(): KerberosServerCredentials | undefined {
    return this.principal && this.#acceptor ? kerberosServer(this.principal, this.#acceptor) : undefined;
  }

  /** The daemon as a client of other daemons (its keytab login), e.g. a DataNode calling the NameNode. */
  asUser(): User {
    if (!this.login) {
      throw new HsecError('SERVICE_NOT_RUNNING', 'The daemon has no keytab login: resolve its identity with { login: true } before calling other daemons', { principal: this.principal });
    }
    return User.fromLogin(this.login);
  }

  close(): void {
    this.login?.close();
  }
}

function shortNames(rules: AuthToLocal): (name: string) => string {
  return (name) => (/[/@]/.test(name) ? rules.shortName(name) : name);
}

function missing(key: string, what: string): ConfigError {
  return new ConfigError('CONFIG_MISSING', `${key} is not set: ${what}`, { configKey: key });
}

/** UGI.loginUserFromKeytab for the service principal; a failure names the principal and keytab (Hadoop: "Login failure for ... from keytab ..."). */
async function keytabLogin(conf: Configuration, spec: ServiceIdentitySpec, principal: string, keytab: string, krb5: Krb5Config | undefined): Promise<KerberosLogin> {
  try {
    return await loginFromKeytab(principal, keytab, { conf: krb5 ?? loadKrb5Config(), ...kerberosLoginOptionsFromConfig(conf, 'keytab') });
  } catch (e) {
    const code = e instanceof HsecError ? e.code : 'KRB_KEYTAB';
    throw new KerberosError(code, `Login failure for ${principal} from keytab ${keytab}: ${(e as Error).message}`, { principal, keytab, configKey: spec.keytabKey }, { cause: e });
  }
}

/** The process's krb5.conf, or undefined when there is none. */
function optionalKrb5Config(): Krb5Config | undefined {
  try {
    return loadKrb5Config();
  } catch {
    return undefined;
  }
}
