/**
 * Who a client acts as, and with what credentials: the part of Hadoop's UserGroupInformation a
 * client needs, without its static state. A User has a name, maybe a Kerberos login that keeps
 * itself fresh (keytab, password or ticket cache), and the tokens it holds (a Credentials, as UGI's
 * Subject does). `User.login(conf)` is UGI.getLoginUser: tokens from HADOOP_TOKEN_FILE_LOCATION, and
 * with hadoop.security.authentication=kerberos the ticket cache's principal (KRB5CCNAME, else
 * krb5.conf default_ccache_name, else MIT's default), or with simple authentication
 * HADOOP_USER_NAME / the OS user. A User is handed to clients (HdfsClient, the RPC layer), which
 * take service tickets and tokens from it.
 */
import { userInfo } from 'node:os';
import type { Configuration } from '../../lib/config/index.ts';
import { KerberosError } from '../../lib/errors/index.ts';
import { loadKrb5Config, type Krb5Config } from '../kerberos/config/krb5-conf.ts';
import { loginFromCcache, loginFromKeytab, loginFromPassword, type KerberosLogin } from '../kerberos/login/index.ts';
import { ccacheNameFor, openCredentialCache } from '../kerberos/ccache/index.ts';
import { principalToString } from '../kerberos/types.ts';
import { Credentials } from '../token/credentials.ts';
import { readTokenStorageFile } from '../token/credentials-file.ts';
import type { Token } from '../token/token.ts';
import { isSecurityEnabled } from './authentication-method.ts';
import { kerberosLoginOptionsFromConfig } from './login-options.ts';

export interface UserOptions {
  /** Hadoop configuration: relogin settings (hadoop.kerberos.*) and the authentication method. */
  conf?: Configuration;
  /** krb5.conf (default: KRB5_CONFIG of `env`, else /etc/krb5.conf). */
  krb5?: Krb5Config;
  /** Environment for KRB5_CONFIG, KRB5CCNAME, HADOOP_TOKEN_FILE_LOCATION, HADOOP_USER_NAME (default process.env). */
  env?: NodeJS.ProcessEnv;
}

export type UserKind = 'keytab' | 'password' | 'ccache' | 'token' | 'simple';

export class User {
  /** The full name: `alice@EXAMPLE.COM` for Kerberos, the token owner or simple user name otherwise. */
  readonly name: string;
  /** How this user authenticated. */
  readonly kind: UserKind;
  /** The Kerberos login, when there is one: hands out service tickets and refreshes itself. */
  readonly kerberos: KerberosLogin | undefined;
  /** The tokens this user holds (HADOOP_TOKEN_FILE_LOCATION, token files, tokens added later). */
  readonly credentials: Credentials;

  private constructor(name: string, kind: UserKind, kerberos: KerberosLogin | undefined, credentials: Credentials) {
    this.name = name;
    this.kind = kind;
    this.kerberos = kerberos;
    this.credentials = credentials;
  }

  /** Logs in from a keytab (UGI.loginUserFromKeytab); a realm-less principal gets krb5.conf's default_realm. */
  static async fromKeytab(principal: string, keytab: string, options: UserOptions = {}): Promise<User> {
    const krb5 = options.krb5 ?? loadKrb5Config(undefined, options.env);
    const login = await loginFromKeytab(principal, keytab, { conf: krb5, ...refresh(options, 'keytab') });
    return new User(principalToString(login.principal), 'keytab', login, new Credentials());
  }

  /** Logs in with a password (not kept: the TGT is renewed while renewable). */
  static async fromPassword(principal: string, password: string, options: UserOptions = {}): Promise<User> {
    const krb5 = options.krb5 ?? loadKrb5Config(undefined, options.env);
    const login = await loginFromPassword(principal, password, { conf: krb5, ...refresh(options, 'keytab') });
    return new User(principalToString(login.principal), 'password', login, new Credentials());
  }

  /**
   * Uses the tickets `kinit` left in a credential cache: `ccache`, else KRB5CCNAME, else krb5.conf
   * default_ccache_name, else MIT's default. Fails with KRB_NO_CREDENTIALS or KRB_EXPIRED naming
   * `hsec kinit` when there is nothing usable.
   */
  static async fromTicketCache(options: UserOptions & { ccache?: string } = {}): Promise<User> {
    const env = options.env ?? process.env;
    const krb5 = options.krb5 ?? loadKrb5Config(undefined, env);
    const { name, source } = ccacheNameFor(krb5, options.ccache, env);
    const cache = await openCredentialCache(name, { krb5Config: krb5 }, source);
    const path = cache.fullName;
    const where = { ccache: cache.name };
    let login: KerberosLogin;
    try {
      login = await loginFromCcache(cache, { conf: krb5, ...refresh(options, 'ccache') });
    } catch (e) {
      if (e instanceof KerberosError && e.code === 'KRB_CCACHE') throw e;
      const kinit = 'run hsec kinit <principal> (or MIT kinit) first';
      if (e instanceof KerberosError && e.code === 'KRB_NO_CREDENTIALS' && e.details.ccache !== undefined) {
        // the file is missing: one hint, and where the cache name came from
        throw new KerberosError('KRB_NO_CREDENTIALS', `No Kerberos credentials: no ticket cache at ${path} (named by ${source}); ${kinit}`, where, { cause: e });
      }
      throw new KerberosError('KRB_NO_CREDENTIALS', `No usable Kerberos credentials in ${path}: ${(e as Error).message}; ${kinit}`, where, { cause: e });
    }
    const principal = principalToString(login.principal);
    const tgt = login.tgt;
    const now = Date.now();
    if (tgt.endTime <= now && !(tgt.renewTill && tgt.renewTill > now)) {
      login.close();
      throw new KerberosError('KRB_EXPIRED', `The Kerberos tickets in ${path} have expired: run hsec kinit ${principal}`, { ...where, principal });
    }
    return new User(principal, 'ccache', login, new Credentials());
  }

  /** A user around an existing Kerberos login (a daemon's keytab login, say); closing the user closes the login. */
  static fromLogin(login: KerberosLogin): User {
    return new User(principalToString(login.principal), login.source, login, new Credentials());
  }

  /** A user that authenticates with the tokens of a token storage file only (no Kerberos). */
  static async fromTokenFile(path: string): Promise<User> {
    const credentials = await readTokenStorageFile(path);
    return new User(tokenOwner(credentials) ?? defaultSimpleUser(process.env), 'token', undefined, credentials);
  }

  /** A SIMPLE-authentication user (no credentials; only for clusters with security off). */
  static simple(name: string): User {
    return new User(name, 'simple', undefined, new Credentials());
  }

  /**
   * UGI.getLoginUser: tokens from HADOOP_TOKEN_FILE_LOCATION, plus with Kerberos on the ticket
   * cache's login. A token file alone is enough (a task or container holds only tokens), so a
   * missing ticket cache is an error only when there are no tokens either.
   */
  static async login(conf: Configuration, options: Omit<UserOptions, 'conf'> = {}): Promise<User> {
    const env = options.env ?? process.env;
    const tokenFile = env.HADOOP_TOKEN_FILE_LOCATION;
    const credentials = tokenFile ? await readTokenStorageFile(tokenFile) : new Credentials();
    if (!isSecurityEnabled(conf)) return new User(defaultSimpleUser(env), 'simple', undefined, credentials);
    try {
      const user = await User.fromTicketCache({ ...options, conf, env });
      user.credentials.addAll(credentials);
      return user;
    } catch (e) {
      if (credentials.tokens().length === 0) throw e;
      return new User(tokenOwner(credentials) ?? defaultSimpleUser(env), 'token', undefined, credentials);
    }
  }

  /** Adds a token (under its service, as Credentials.addToken(service, token)). */
  addToken(token: Token): this {
    this.credentials.addToken(token.service, token);
    return this;
  }

  /** Every token this user holds. */
  tokens(): Token[] {
    return this.credentials.tokens().map(([, t]) => t);
  }

  /** Stops the login's refresh timer. */
  close(): void {
    this.kerberos?.close();
  }
}

function refresh(options: UserOptions, kind: 'keytab' | 'ccache') {
  return options.conf ? kerberosLoginOptionsFromConfig(options.conf, kind) : {};
}

/** The owner named by the first token whose identifier decodes (a token-only user's name). */
function tokenOwner(credentials: Credentials): string | undefined {
  for (const [, token] of credentials.tokens()) {
    const owner = (token.decodeIdentifier() as { owner?: unknown } | undefined)?.owner;
    if (typeof owner === 'string' && owner) return owner;
  }
  return undefined;
}

/** UserGroupInformation's SIMPLE login user: HADOOP_USER_NAME, else the OS user. */
export function defaultSimpleUser(env: NodeJS.ProcessEnv = process.env): string {
  if (env.HADOOP_USER_NAME) return env.HADOOP_USER_NAME;
  return (osUser ??= osUserName()) ?? env.USER ?? 'unknown';
}

/** The process's OS user does not change: looked up once (a system call, on every RPC call otherwise). */
let osUser: string | null | undefined;

function osUserName(): string | null {
  try {
    return userInfo().username;
  } catch {
    return null;
  }
}
