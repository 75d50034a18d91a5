/**
 * The NameNode's delegation-token calls of ClientProtocol, with the rules of Hadoop's
 * FSNamesystem.getDelegationToken / renewDelegationToken / cancelDelegationToken and
 * NameNodeRpcServer:
 *  - get: only callers authenticated by KERBEROS (for a proxy user: the real user's method) when
 *    security is on — "Delegation Token can be issued only with kerberos or web authentication";
 *    owner = caller's full name, realUser = the real user's full name for proxies, renewer = the
 *    request's renewer (normalised to a short name); the token goes back with an empty service
 *    (the client sets `ip:port`).
 *  - renew: same authentication rule ("… can be renewed only …"); renewer = caller's short name.
 *  - cancel: any authenticated caller; allowed for the owner's full name or the renewer.
 * Plus getServerDefaults, which a stock DFSClient calls while collecting tokens.
 */
import { AccessControlError } from '../../lib/errors/index.ts';
import { getLogger } from '../../lib/log/logger.ts';
import type { CallContext, ProtocolHandlers } from '../../lib/rpc/call-context.ts';
import type { DelegationTokenSecretManager } from '../../security/token/secret-manager.ts';
import type { Token } from '../../security/token/token.ts';
import {
  ClientProtocolMethod, DEFAULT_SERVER_DEFAULTS,
  decodeGetDelegationTokenRequest, decodeTokenRequest,
  encodeCancelDelegationTokenResponse, encodeGetDelegationTokenResponse, encodeGetServerDefaultsResponse,
  encodeRenewDelegationTokenResponse,
} from '../protocol/client-protocol.ts';
import type { FsServerDefaults } from '../protocol/client-protocol.ts';

/** The facts of a call the token rules look at. */
export type TokenCaller = Pick<CallContext, 'user' | 'shortUser' | 'realUser' | 'authMethod'>;

export interface NameNodeTokenServiceOptions {
  secretManager: DelegationTokenSecretManager;
  /** hadoop.security.authentication = kerberos. Default true. */
  securityEnabled?: boolean;
  serverDefaults?: FsServerDefaults;
}

const IO_EXCEPTION = 'java.io.IOException';
const audit = getLogger('namenode.audit');

export class NameNodeTokenService {
  readonly #sm: DelegationTokenSecretManager;
  readonly #secure: boolean;
  readonly #defaults: FsServerDefaults;

  constructor(options: NameNodeTokenServiceOptions) {
    this.#sm = options.secretManager;
    this.#secure = options.securityEnabled ?? true;
    this.#defaults = options.serverDefaults ?? DEFAULT_SERVER_DEFAULTS;
  }

  /** ClientProtocol handlers to register under CLIENT_PROTOCOL. */
  handlers(): ProtocolHandlers {
    return {
      [ClientProtocolMethod.GET_DELEGATION_TOKEN]: async (req, ctx) =>
        encodeGetDelegationTokenResponse(await this.getDelegationToken(decodeGetDelegationTokenRequest(req).renewer, ctx)),
      [ClientProtocolMethod.RENEW_DELEGATION_TOKEN]: async (req, ctx) =>
        encodeRenewDelegationTokenResponse(await this.renewDelegationToken(decodeTokenRequest('renew', req), ctx)),
      [ClientProtocolMethod.CANCEL_DELEGATION_TOKEN]: async (req, ctx) => {
        await this.cancelDelegationToken(decodeTokenRequest('cancel', req), ctx);
        return encodeCancelDelegationTokenResponse();
      },
      [ClientProtocolMethod.GET_SERVER_DEFAULTS]: () => encodeGetServerDefaultsResponse(this.#defaults),
    };
  }

  /** FSNamesystem.isAllowedDelegationTokenOp: KERBEROS only when security is on. */
  #allowed(caller: TokenCaller): boolean {
    return !this.#secure || caller.authMethod === 'KERBEROS';
  }

  #refuse(verb: 'issued' | 'renewed', caller: TokenCaller): AccessControlError {
    return new AccessControlError('ACCESS_DENIED', `Delegation Token can be ${verb} only with kerberos or web authentication`, {
      exceptionClassName: IO_EXCEPTION,
      user: caller.user,
      authMethod: caller.authMethod,
    });
  }

  /** Returns undefined when the secret manager is not running (Hadoop returns a null token). */
  async getDelegationToken(renewer: string, caller: TokenCaller): Promise<Token | undefined> {
    if (!this.#allowed(caller)) {
      this.#audit(false, 'getDelegationToken', caller);
      throw this.#refuse('issued', caller);
    }
    if (!this.#sm.running) {
      audit.warn('trying to get DT with no secret manager running');
      return undefined;
    }
    const issued = await this.#sm.createToken({ owner: caller.user, renewer, realUser: caller.realUser ?? '', service: '' });
    this.#audit(true, 'getDelegationToken', caller, issued.identifier.toString());
    return issued.token;
  }

  /** Returns the new expiry time (ms since epoch). */
  async renewDelegationToken(token: Token, caller: TokenCaller): Promise<number> {
    if (!this.#allowed(caller)) {
      this.#audit(false, 'renewDelegationToken', caller);
      throw this.#refuse('renewed', caller);
    }
    try {
      const expiry = await this.#sm.renewToken(token, caller.shortUser);
      this.#audit(true, 'renewDelegationToken', caller, token.decodeIdentifier()?.toString());
      return expiry;
    } catch (e) {
      this.#audit(false, 'renewDelegationToken', caller, token.decodeIdentifier()?.toString());
      throw e;
    }
  }

  async cancelDelegationToken(token: Token, caller: TokenCaller): Promise<void> {
    try {
      const id = await this.#sm.cancelToken(token, caller.user);
      this.#audit(true, 'cancelDelegationToken', caller, id.toString());
    } catch (e) {
      this.#audit(false, 'cancelDelegationToken', caller, token.decodeIdentifier()?.toString());
      throw e;
    }
  }

  /** FSNamesystem's audit line: allowed, ugi (auth method), cmd, and the token's identifier (never its password). */
  #audit(allowed: boolean, cmd: string, caller: TokenCaller, token?: string): void {
    const ugi = caller.realUser ? `${caller.user} (auth:PROXY) via ${caller.realUser}` : `${caller.user} (auth:${caller.authMethod})`;
    audit.info({ allowed, ugi, cmd, token }, `allowed=${allowed}\tugi=${ugi}\tcmd=${cmd}`);
  }
}
