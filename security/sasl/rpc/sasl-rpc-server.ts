/**
 * The server half of Hadoop's RPC SASL negotiation for one connection, after
 * org.apache.hadoop.ipc.Server.Connection.processSaslMessage / buildSaslNegotiateResponse and
 * SaslRpcServer: answer NEGOTIATE with the enabled auths in Hadoop's order (TOKEN first, with the
 * DIGEST-MD5 challenge embedded, when a token authority is configured; then KERBEROS with
 * protocol/serverId from the server principal, or SIMPLE), or with SUCCESS when only SIMPLE is
 * enabled; check that INITIATE names an advertised auth; run the mechanism through
 * CHALLENGE/RESPONSE to SUCCESS; report who authenticated. An hsec client's fast privacy offer in
 * INITIATE is accepted in SUCCESS when the QOP is auth-conf (docs/fast-privacy.md). Explicit State
 * enum, one step.
 */
import { AccessControlError, ConfigError, InvalidTokenError, SaslError } from '../../../lib/errors/index.ts';
import type { AuthMethodName, ServerAuthenticator, ServerAuthResult } from '../../../lib/rpc/auth-hooks.ts';
import { SaslState, SASL_STATE_NAMES } from '../../../lib/rpc/constants.ts';
import type { RpcSaslMessage, SaslAuth } from '../../../lib/rpc/messages.ts';
import type { Qop, SaslServer } from '../mechanism.ts';
import { AUTH_METHODS, knownAuthMethod } from './auth-method.ts';
import { createServerLayerSwitch, fastPrivacyAcceptance, type FastPrivacyField } from './fast-privacy/index.ts';

export enum ServerState {
  AWAIT_NEGOTIATE = 'AWAIT_NEGOTIATE',
  AWAIT_INITIATE = 'AWAIT_INITIATE',
  AWAIT_RESPONSE = 'AWAIT_RESPONSE',
  COMPLETE = 'COMPLETE',
  FAILED = 'FAILED',
}

/** Who a token identifier names (DelegationTokenIdentifier owner / realUser). */
export interface TokenUser {
  readonly user: string;
  readonly realUser?: string | undefined;
  readonly attributes?: Readonly<Record<string, unknown>>;
}

/** The server's token secret manager as the RPC layer needs it. */
export interface TokenAuthority {
  /** The password of a live token; throws InvalidTokenError when unknown, expired or cancelled. */
  retrievePassword(identifier: Uint8Array): Uint8Array | Promise<Uint8Array>;
  /** Decodes the identifier's owner and real user. */
  identify(identifier: Uint8Array): TokenUser;
}

/** Kerberos side of a server: its principal and the GSSAPI SASL server factory. */
export interface KerberosServerCredentials {
  /** Server principal, e.g. nn/host.example.com@REALM: protocol and serverId come from it. */
  readonly principal: string;
  /** `qopFor`: the offer once the client principal is known (GssapiServerOptions.qopFor). */
  createServer(qop: readonly Qop[], qopFor?: (principal: string) => readonly Qop[]): SaslServer;
}

export interface SaslRpcServerOptions {
  /** hadoop.security.authentication. */
  readonly authentication: 'simple' | 'kerberos';
  /** QOP list for this client (SaslPropertiesResolver.getServerProperties). */
  readonly qop: readonly Qop[];
  readonly tokenAuthority?: TokenAuthority;
  /** DIGEST-MD5 server factory (default: the SASL registry's DIGEST-MD5 with Hadoop's token conventions). */
  readonly createTokenServer?: (lookup: (userName: string) => Promise<string>, qop: readonly Qop[]) => SaslServer;
  readonly kerberos?: KerberosServerCredentials;
  /** KERBEROS: the QOP list once GSSAPI knows the client principal (principal rules); default `qop`. */
  readonly qopForPrincipal?: (principal: string) => readonly Qop[];
  /**
   * Once a mechanism completes, before SUCCESS: throws (AccessControlError) when the negotiated QOP
   * is not enough for the authenticated user or the token's real user (DIGEST-MD5 offers its QOPs
   * before it knows the token's owner).
   */
  readonly checkNegotiated?: (user: string, realUser: string | undefined, qop: Qop) => void;
  /**
   * hsec.rpc.privacy.fast (default true): accept an hsec client's fast privacy offer when the QOP
   * is auth-conf (docs/fast-privacy.md). Stock clients never offer it.
   */
  readonly fastPrivacy?: boolean;
  /** Bytes after which a fast privacy channel's keys retire (default RETIRE_AFTER_BYTES, 64 GiB; the server closes at twice that). Lower only to test it. */
  readonly fastPrivacyRetireAfterBytes?: number;
}

/** Splits service/host@REALM into SaslAuth protocol and serverId (SaslRpcServer: KERBEROS). */
export function principalParts(principal: string): { protocol: string; serverId: string } {
  const m = /^([^/@]+)\/([^/@]+)(@.*)?$/.exec(principal);
  if (!m) {
    throw new ConfigError('CONFIG_INVALID', `Kerberos principal name does NOT have the expected hostname part: ${principal}`, { principal });
  }
  return { protocol: m[1]!, serverId: m[2]! };
}

export class SaslRpcServer implements ServerAuthenticator {
  readonly #o: SaslRpcServerOptions;
  readonly advertised: readonly AuthMethodName[];
  #state = ServerState.AWAIT_NEGOTIATE;
  #auths: SaslAuth[] = [];
  #method: AuthMethodName | undefined;
  #server: SaslServer | undefined;
  #tokenServer: SaslServer | undefined;
  /** The client's fast privacy offer from INITIATE (hsec clients only). */
  #fastPrivacyOffer: FastPrivacyField | undefined;

  constructor(options: SaslRpcServerOptions) {
    this.#o = options;
    const list: AuthMethodName[] = [];
    if (options.tokenAuthority) list.push('TOKEN');
    if (options.authentication === 'kerberos') {
      if (!options.kerberos) {
        throw new ConfigError('CONFIG_INVALID', 'hadoop.security.authentication=kerberos needs the server principal and a GSSAPI server (keytab login)', {
          configKey: 'hadoop.security.authentication',
        });
      }
      list.push('KERBEROS');
    } else list.push('SIMPLE');
    this.advertised = list;
  }

  get state(): ServerState {
    return this.#state;
  }

  get simpleAllowed(): boolean {
    return this.#o.authentication === 'simple';
  }

  async step(msg: RpcSaslMessage): Promise<{ reply?: RpcSaslMessage; done: boolean; result?: ServerAuthResult }> {
    try {
      return await this.#step(msg);
    } catch (err) {
      this.#state = ServerState.FAILED;
      throw err;
    }
  }

  async #step(msg: RpcSaslMessage): Promise<{ reply?: RpcSaslMessage; done: boolean; result?: ServerAuthResult }> {
    switch (msg.state) {
      case SaslState.NEGOTIATE:
        this.#expect(ServerState.AWAIT_NEGOTIATE, msg);
        return this.#negotiate();
      case SaslState.INITIATE:
        this.#expect(ServerState.AWAIT_INITIATE, msg);
        return this.#initiate(msg);
      case SaslState.RESPONSE:
        this.#expect(ServerState.AWAIT_RESPONSE, msg);
        return this.#evaluate(msg.token ?? new Uint8Array(0));
      default:
        throw new SaslError('SASL_STATE', `RPC server doesn't support SASL ${SASL_STATE_NAMES[msg.state] ?? msg.state} in state ${this.#state}`, { state: this.#state });
    }
  }

  async #negotiate(): Promise<{ reply: RpcSaslMessage; done: boolean; result?: ServerAuthResult }> {
    if (this.advertised.length === 1 && this.advertised[0] === 'SIMPLE') {
      // Server.buildNegotiateResponse: a SIMPLE-only server answers with SUCCESS.
      this.#state = ServerState.COMPLETE;
      return { reply: { state: SaslState.SUCCESS }, done: true, result: { authMethod: 'SIMPLE' } };
    }
    for (const method of this.advertised) {
      const info = AUTH_METHODS[method];
      if (method === 'TOKEN') {
        this.#tokenServer = this.#createTokenServer();
        const challenge = await this.#tokenServer.step(new Uint8Array(0));
        this.#auths.push({ method, mechanism: info.mechanism, protocol: '', serverId: 'default', ...(challenge ? { challenge } : {}) });
      } else if (method === 'KERBEROS') {
        const { protocol, serverId } = principalParts(this.#o.kerberos!.principal);
        this.#auths.push({ method, mechanism: info.mechanism, protocol, serverId });
      } else {
        this.#auths.push({ method, mechanism: info.mechanism });
      }
    }
    this.#state = ServerState.AWAIT_INITIATE;
    return { reply: { state: SaslState.NEGOTIATE, auths: this.#auths }, done: false };
  }

  async #initiate(msg: RpcSaslMessage): Promise<{ reply?: RpcSaslMessage; done: boolean; result?: ServerAuthResult }> {
    // Server.processSaslMessage: an INITIATE names exactly one auth.
    const auth = msg.auths?.length === 1 ? msg.auths[0] : undefined;
    if (!auth) throw new SaslError('SASL_BAD_RESPONSE', `Client mechanism is malformed: SASL INITIATE names ${msg.auths?.length ?? 0} auth methods, not one`, { count: msg.auths?.length ?? 0 });
    const method = knownAuthMethod(auth.method, auth.mechanism);
    if (!method || !this.advertised.includes(method)) {
      throw new AccessControlError('ACCESS_DENIED', `${auth.method} authentication is not enabled.  Available:[${this.advertised.join(', ')}]`, {
        method: auth.method,
        advertised: [...this.advertised],
      });
    }
    this.#method = method;
    this.#fastPrivacyOffer = msg.fastPrivacy;
    if (method === 'SIMPLE') {
      this.#state = ServerState.COMPLETE;
      return { done: true, result: { authMethod: 'SIMPLE' } };
    }
    this.#server = method === 'TOKEN' ? this.#tokenServer! : this.#o.kerberos!.createServer(this.#o.qop, this.#o.qopForPrincipal);
    return this.#evaluate(msg.token ?? new Uint8Array(0));
  }

  async #evaluate(token: Uint8Array): Promise<{ reply: RpcSaslMessage; done: boolean; result?: ServerAuthResult }> {
    const server = this.#server!;
    const out = await server.step(token);
    if (!server.isComplete) {
      this.#state = ServerState.AWAIT_RESPONSE;
      return { reply: { state: SaslState.CHALLENGE, token: out ?? new Uint8Array(0) }, done: false };
    }
    // docs/fast-privacy.md: accept an hsec client's offer in SUCCESS, once the QOP is known.
    const accepted = fastPrivacyAcceptance(this.#o.fastPrivacy ?? true, this.#fastPrivacyOffer, server.securityLayer().qop);
    const result = this.#result(server, accepted !== undefined);
    if (result.user !== undefined) this.#o.checkNegotiated?.(result.user, result.realUser, result.qop as Qop);
    this.#state = ServerState.COMPLETE;
    const reply: RpcSaslMessage = out && out.length > 0 ? { state: SaslState.SUCCESS, token: out } : { state: SaslState.SUCCESS };
    if (accepted) reply.fastPrivacy = accepted;
    return { reply, done: true, result };
  }

  #result(server: SaslServer, fastPrivacy: boolean): ServerAuthResult {
    const layer = server.securityLayer();
    const securityLayer = layer.qop === 'auth' ? undefined : layer;
    const layerSwitch = fastPrivacy ? createServerLayerSwitch({ retireAfterBytes: this.#o.fastPrivacyRetireAfterBytes }) : undefined;
    const id = server.authorizationId ?? server.authenticationId ?? '';
    if (this.#method === 'TOKEN') {
      const who = this.#o.tokenAuthority!.identify(Buffer.from(id, 'base64'));
      return { authMethod: 'TOKEN', user: who.user, realUser: who.realUser, attributes: who.attributes, qop: layer.qop, securityLayer, layerSwitch };
    }
    return { authMethod: 'KERBEROS', user: id, qop: layer.qop, securityLayer, layerSwitch };
  }

  #createTokenServer(): SaslServer {
    const authority = this.#o.tokenAuthority!;
    const factory = this.#o.createTokenServer;
    if (!factory) throw new SaslError('SASL_UNSUPPORTED', 'No DIGEST-MD5 server factory configured for TOKEN authentication', { mechanism: 'DIGEST-MD5' });
    const lookup = async (userName: string): Promise<string> => {
      const identifier = Buffer.from(userName, 'base64');
      if (identifier.length === 0) throw new InvalidTokenError('TOKEN_BAD_FORMAT', 'DIGEST-MD5 user name is not a base64 token identifier', {});
      return Buffer.from(await authority.retrievePassword(identifier)).toString('base64');
    };
    return factory(lookup, this.#o.qop);
  }

  #expect(state: ServerState, msg: RpcSaslMessage): void {
    if (this.#state !== state) {
      throw new SaslError('SASL_STATE', `Unexpected SASL ${SASL_STATE_NAMES[msg.state] ?? msg.state} in server state ${this.#state}`, { state: this.#state });
    }
  }
}
