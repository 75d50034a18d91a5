/**
 * The client half of Hadoop's RPC SASL negotiation, after org.apache.hadoop.security.SaslRpcClient
 * (saslConnect): send NEGOTIATE; from the server's ordered auths pick the first one we
 * recognise and can use (TOKEN: a token for the server's ip:port; KERBEROS: a login and a server
 * principal `<protocol>/<serverId>` matching the configured one; SIMPLE: always); send INITIATE
 * (using the DIGEST challenge embedded in NEGOTIATE when present); answer CHALLENGE with RESPONSE;
 * on SUCCESS the mechanism must be complete and produce nothing more. INITIATE also offers hsec's
 * fast privacy when auth-conf is allowed, and a SUCCESS that accepts it switches layers after
 * SUCCESS (docs/fast-privacy.md). Explicit State enum, one step.
 */
import { AccessControlError, SaslError } from '../../../lib/errors/index.ts';
import type { AuthMethodName, ClientAuthenticator, ClientAuthResult, ClientLayerSwitch } from '../../../lib/rpc/auth-hooks.ts';
import { AuthProtocol, SaslState, SASL_STATE_NAMES, type AuthProtocolCode } from '../../../lib/rpc/constants.ts';
import type { RpcSaslMessage, SaslAuth } from '../../../lib/rpc/messages.ts';
import type { Qop, SaslClient } from '../mechanism.ts';
import { formatQopList, qopToHadoopProtection } from '../qop.ts';
import { AUTH_METHODS, knownAuthMethod } from './auth-method.ts';
import { buildTokenService, serviceTokenSelector, type RpcToken, type TokenSelector } from './token-selector.ts';
import type { Krb5Config } from '../../kerberos/config/index.ts';
import { advertisedServerPrincipal, checkServerPrincipal } from './server-principal.ts';
import { checkFastPrivacyAcceptance, createClientLayerSwitch, fastPrivacyOffer, type FastPrivacyField } from './fast-privacy/index.ts';

export { checkServerPrincipal, advertisedServerPrincipal } from './server-principal.ts';

export enum ClientState {
  INITIAL = 'INITIAL',
  AWAIT_NEGOTIATE = 'AWAIT_NEGOTIATE',
  AWAIT_CHALLENGE = 'AWAIT_CHALLENGE',
  COMPLETE = 'COMPLETE',
  FAILED = 'FAILED',
}

/** Kerberos side of a client: the login, the expected server principal, the GSSAPI factory. */
export interface KerberosClientCredentials {
  /** The client's own principal (alice@REALM): the default effective user. */
  readonly principal: string;
  /**
   * The server principal configured for the protocol (e.g. dfs.namenode.kerberos.principal:
   * `nn/_HOST@REALM`; `_HOST` becomes the lower-cased server host).
   */
  readonly serverPrincipal?: string;
  /** Glob (`<key>.pattern`) the advertised principal must match instead of `serverPrincipal`. */
  readonly serverPrincipalPattern?: string;
  /**
   * krb5.conf giving the realm of the advertised `<protocol>/<serverId>` (domain_realm, else
   * default_realm) as the JDK's KRB_NT_SRV_HST name does; pass the one the login uses. Without
   * it the client's own realm.
   */
  readonly krb5?: Krb5Config;
  /** Builds the GSSAPI SASL client for `service/host` with the QOP preference list. */
  createClient(target: { protocol: string; serverId: string; principal: string }, qop: readonly Qop[]): SaslClient;
}

export interface SaslRpcClientOptions {
  /**
   * The server as connected to: `ip` for the token service, `hostname` (canonical name) for
   * `_HOST` in the configured server principal (SecurityUtil.getServerPrincipal); default `host`.
   */
  readonly server: { host: string; port: number; ip?: string; hostname?: string };
  /** QOP preference list (SaslPropertiesResolver.getClientProperties). */
  readonly qop: readonly Qop[];
  /** Effective user name for the connection context (SIMPLE user, or proxied user). */
  readonly user?: string;
  /** SIMPLE only: the real user when `user` is impersonated. */
  readonly realUser?: string;
  readonly tokens?: readonly RpcToken[];
  /** Default: service match (and `tokenKind` if set). */
  readonly tokenSelector?: TokenSelector;
  readonly tokenKind?: string;
  /** Token service host:port vs ip:port (hadoop.security.token.service.use_ip, default true). */
  readonly tokenServiceUseIp?: boolean;
  /** DIGEST-MD5 client factory for a token (default: the SASL registry's DIGEST-MD5). */
  readonly createTokenClient?: (token: RpcToken, qop: readonly Qop[]) => SaslClient;
  readonly kerberos?: KerberosClientCredentials;
  /**
   * A secure client (hadoop.security.authentication=kerberos) refuses a server that switches it to
   * SIMPLE unless this is true (ipc.client.fallback-to-simple-auth-allowed, default false).
   * Default for `secure`: true when Kerberos credentials are given.
   */
  readonly secure?: boolean;
  readonly fallbackToSimpleAllowed?: boolean;
  /**
   * hsec.rpc.privacy.fast (default true): offer fast privacy in INITIATE when the QOP list allows
   * auth-conf, and switch to it when the server accepts (docs/fast-privacy.md). Stock servers ignore the offer.
   */
  readonly fastPrivacy?: boolean;
  /** Bytes after which a fast privacy connection retires (default RETIRE_AFTER_BYTES, 64 GiB; lower only to test it). */
  readonly fastPrivacyRetireAfterBytes?: number;
}

export class SaslRpcClient implements ClientAuthenticator {
  readonly #o: SaslRpcClientOptions;
  #state = ClientState.INITIAL;
  #method: AuthMethodName = 'SIMPLE';
  #client: SaslClient | undefined;
  readonly #token: RpcToken | undefined;
  #fastPrivacyOffer: FastPrivacyField | undefined;
  #fastPrivacy = false;
  #layerSwitch: ClientLayerSwitch | undefined;

  constructor(options: SaslRpcClientOptions) {
    this.#o = options;
    const selector = options.tokenSelector ?? serviceTokenSelector(options.tokenKind);
    const useIp = options.tokenServiceUseIp ?? true;
    const service = buildTokenService({ host: useIp ? (options.server.ip ?? options.server.host) : options.server.host, port: options.server.port });
    this.#token = options.tokens && options.tokens.length > 0 ? selector(service, options.tokens) : undefined;
  }

  get state(): ClientState {
    return this.#state;
  }

  /** NONE when the client could only do SIMPLE (no token for this server, no Kerberos login), as Hadoop's Client does. */
  get authProtocol(): AuthProtocolCode {
    return this.#token || this.#o.kerberos ? AuthProtocol.SASL : AuthProtocol.NONE;
  }

  initial(): RpcSaslMessage {
    this.#expect(ClientState.INITIAL, 'start');
    this.#state = ClientState.AWAIT_NEGOTIATE;
    return { state: SaslState.NEGOTIATE };
  }

  async step(msg: RpcSaslMessage): Promise<{ reply?: RpcSaslMessage; done: boolean }> {
    try {
      return await this.#step(msg);
    } catch (err) {
      this.#state = ClientState.FAILED;
      if (err instanceof SaslError && err.code === 'SASL_NO_COMMON_QOP' && err.details.clientQop) throw this.#noCommonQop(err);
      throw err;
    }
  }

  /**
   * The mechanism's SASL_NO_COMMON_QOP with what an RPC client can add: the server it dialled, the
   * key that sets the client's list, and the values of it that would work. The server's offer may
   * depend on the client (a whitelist resolver), so the hint also names `hsec policy explain`.
   */
  #noCommonQop(err: SaslError): SaslError {
    const { host, port } = this.#o.server;
    const client = err.details.clientQop as readonly Qop[];
    const server = (err.details.serverQop ?? []) as readonly Qop[];
    const usable = server.map((q) => qopToHadoopProtection(q)).join(' or ');
    return new SaslError(
      'SASL_NO_COMMON_QOP',
      `No common SASL quality of protection with the server at ${host}:${port}: client accepts [${formatQopList(client)}] (hadoop.rpc.protection), ` +
        `server offers [${formatQopList(server)}] to this client; set hadoop.rpc.protection to ${usable || 'a value the server offers'} (e.g. -D hadoop.rpc.protection=${qopToHadoopProtection(server[0] ?? 'auth-conf')}), ` +
        "or ask the server's operator: its offer can depend on the client's address (hsec policy explain ADDRESS)",
      { ...err.details, remoteAddress: `${host}:${port}`, configKey: 'hadoop.rpc.protection' },
      { cause: err },
    );
  }

  async #step(msg: RpcSaslMessage): Promise<{ reply?: RpcSaslMessage; done: boolean }> {
    switch (msg.state) {
      case SaslState.NEGOTIATE:
        this.#expect(ClientState.AWAIT_NEGOTIATE, 'NEGOTIATE');
        return this.#onNegotiate(msg.auths ?? []);
      case SaslState.CHALLENGE: {
        this.#expect(ClientState.AWAIT_CHALLENGE, 'CHALLENGE');
        if (!this.#client) throw new SaslError('SASL_STATE', 'Server sent unsolicited challenge');
        if (!msg.token) throw new SaslError('SASL_BAD_CHALLENGE', 'Server challenge contains no token', { mechanism: this.#client.mechanism });
        const token = await this.#client.step(msg.token);
        return { reply: { state: SaslState.RESPONSE, token: token ?? new Uint8Array(0) }, done: false };
      }
      case SaslState.SUCCESS:
        if (this.#state === ClientState.AWAIT_NEGOTIATE) {
          // A SIMPLE-only server answers NEGOTIATE with SUCCESS: the connection is SIMPLE.
          this.#checkFallback();
          this.#method = 'SIMPLE';
          this.#state = ClientState.COMPLETE;
          return { done: true };
        }
        this.#expect(ClientState.AWAIT_CHALLENGE, 'SUCCESS');
        await this.#onSuccess(msg.token);
        this.#fastPrivacy = checkFastPrivacyAcceptance(this.#fastPrivacyOffer, msg.fastPrivacy, this.#client!.securityLayer().qop);
        this.#state = ClientState.COMPLETE;
        return { done: true };
      default:
        throw new SaslError('SASL_STATE', `RPC client doesn't support SASL ${SASL_STATE_NAMES[msg.state] ?? msg.state}`, { state: this.#state });
    }
  }

  async #onNegotiate(auths: readonly SaslAuth[]): Promise<{ reply?: RpcSaslMessage; done: boolean }> {
    const chosen = await this.#select(auths);
    this.#method = chosen.method;
    if (chosen.method === 'SIMPLE') {
      this.#checkFallback();
      // SaslRpcClient: switching to SIMPLE sends INITIATE and does not wait for an answer.
      this.#state = ClientState.COMPLETE;
      return { reply: { state: SaslState.INITIATE, auths: [stripChallenge(chosen.auth)] }, done: true };
    }
    const client = this.#client!;
    let challenge: Uint8Array | undefined;
    if (chosen.auth.challenge) challenge = chosen.auth.challenge;
    else if (client.hasInitialResponse) challenge = new Uint8Array(0);
    const token = challenge !== undefined ? await client.step(challenge) : new Uint8Array(0);
    this.#state = ClientState.AWAIT_CHALLENGE;
    const reply: RpcSaslMessage = { state: SaslState.INITIATE, token: token ?? new Uint8Array(0), auths: [stripChallenge(chosen.auth)] };
    this.#fastPrivacyOffer = fastPrivacyOffer(this.#o.fastPrivacy ?? true, this.#o.qop);
    if (this.#fastPrivacyOffer) reply.fastPrivacy = this.#fastPrivacyOffer;
    return { reply, done: false };
  }

  /** SaslRpcClient.selectSaslClient: first usable auth in the server's order. */
  async #select(auths: readonly SaslAuth[]): Promise<{ method: AuthMethodName; auth: SaslAuth }> {
    for (const auth of auths) {
      const method = knownAuthMethod(auth.method, auth.mechanism);
      if (!method) continue;
      if (method === 'SIMPLE') return { method, auth };
      const client = method === 'TOKEN' ? this.#tokenClient() : await this.#kerberosClient(auth);
      if (!client) continue;
      this.#client = client;
      return { method, auth };
    }
    throw new AccessControlError('ACCESS_DENIED', `Client cannot authenticate via:[${auths.map((a) => a.method).join(', ')}]`, {
      serverAuths: auths.map((a) => a.method),
      hasToken: this.#token !== undefined,
      hasKerberos: this.#o.kerberos !== undefined,
    });
  }

  /** Client.setupIOstreams: a secure client does not silently downgrade to SIMPLE. */
  #checkFallback(): void {
    const secure = this.#o.secure ?? this.#o.kerberos !== undefined;
    if (secure && !this.#o.fallbackToSimpleAllowed) {
      throw new AccessControlError(
        'ACCESS_DENIED',
        'Server asks us to fall back to SIMPLE auth, but this client is configured to only allow secure connections.',
        { configKey: 'ipc.client.fallback-to-simple-auth-allowed' },
      );
    }
  }

  #tokenClient(): SaslClient | undefined {
    if (!this.#token) return undefined;
    const factory = this.#o.createTokenClient;
    if (!factory) {
      throw new SaslError('SASL_UNSUPPORTED', 'No DIGEST-MD5 client factory configured for TOKEN authentication', { mechanism: AUTH_METHODS.TOKEN.mechanism });
    }
    return factory(this.#token, this.#o.qop);
  }

  async #kerberosClient(auth: SaslAuth): Promise<SaslClient | undefined> {
    const krb = this.#o.kerberos;
    if (!krb) return undefined;
    const at = krb.principal.lastIndexOf('@');
    const advertised = await advertisedServerPrincipal(auth.protocol ?? '', auth.serverId ?? '', {
      ...(krb.krb5 ? { krb5: krb.krb5 } : {}),
      ...(at >= 0 ? { fallbackRealm: krb.principal.slice(at + 1) } : {}),
    });
    const principal = checkServerPrincipal(advertised, krb, this.#o.server.hostname ?? this.#o.server.host);
    return krb.createClient({ protocol: auth.protocol ?? '', serverId: auth.serverId ?? '', principal }, this.#o.qop);
  }

  async #onSuccess(token: Uint8Array | undefined): Promise<void> {
    const client = this.#client!;
    let extra: Uint8Array | undefined;
    if (token) extra = await client.step(token);
    if (!client.isComplete) throw new SaslError('SASL_STATE', 'Client is out of sync with server', { mechanism: client.mechanism });
    if (extra && extra.length > 0) throw new SaslError('SASL_STATE', 'Client generated spurious response', { mechanism: client.mechanism });
  }

  result(): ClientAuthResult {
    if (this.#state !== ClientState.COMPLETE && !(this.#state === ClientState.INITIAL && this.authProtocol === AuthProtocol.NONE)) {
      throw new SaslError('SASL_NOT_COMPLETE', `SASL negotiation is not complete (state ${this.#state})`, { state: this.#state });
    }
    if (!this.#client) return { authMethod: this.#method };
    const layer = this.#client.securityLayer();
    return {
      authMethod: this.#method,
      qop: layer.qop,
      securityLayer: layer.qop === 'auth' ? undefined : layer,
      // One switch (one key) per connection, however often the engine asks.
      layerSwitch: this.#fastPrivacy ? (this.#layerSwitch ??= createClientLayerSwitch({ retireAfterBytes: this.#o.fastPrivacyRetireAfterBytes })) : undefined,
    };
  }

  /** ProtoUtil.makeIpcConnectionContext. */
  userInfo(result: ClientAuthResult): { effectiveUser?: string; realUser?: string } | undefined {
    switch (result.authMethod) {
      case 'TOKEN':
        return undefined;
      case 'KERBEROS':
        return { effectiveUser: this.#o.user ?? this.#o.kerberos!.principal };
      default: {
        const user = this.#o.user ?? this.#o.kerberos?.principal;
        if (!user) return undefined;
        return this.#o.realUser && this.#o.realUser !== user ? { effectiveUser: user, realUser: this.#o.realUser } : { effectiveUser: user };
      }
    }
  }

  #expect(state: ClientState, what: string): void {
    if (this.#state !== state) {
      throw new SaslError('SASL_STATE', `Unexpected SASL ${what} in client state ${this.#state}`, { state: this.#state, message: what });
    }
  }
}

function stripChallenge(auth: SaslAuth): SaslAuth {
  const { challenge: _drop, ...rest } = auth;
  return rest;
}

