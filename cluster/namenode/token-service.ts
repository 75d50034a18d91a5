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
 *
 * Audit lines (audit-log.ts) as FSNamesystem writes them: src is the token identifier's
 * toStringStable() text (never its password). A done call is audited allowed=true; only an
 * AccessControlException (renewer or canceller not allowed, wrong password) is audited
 * allowed=false. The authentication-method refusals are IOExceptions, the token errors
 * InvalidToken, and a stopped secret manager answers no token: none of those is audited.
 *
 * In safe mode the three token calls refuse first of all, as FSNamesystem's do ("Cannot issue
 * delegation token", "Cannot renew ...", "Cannot cancel ...": SafeModeException, not audited).
 */
import { AccessControlError } from '../../lib/errors/index.ts';
import { getLogger } from '../../lib/log/logger.ts';
import type { CallContext, ProtocolHandlers } from '../../lib/rpc/call-context.ts';
import { ugiString } from '../../lib/rpc/ugi-string.ts';
import { DelegationTokenIdentifier, firstComponentShortName, type ShortNameFn } from '../../security/token/delegation-token-identifier.ts';
import type { DelegationTokenSecretManager } from '../../security/token/secret-manager.ts';
import type { Token } from '../../security/token/token.ts';
import { AuditLog } from './audit-log.ts';
import {
  ClientProtocolMethod, DEFAULT_SERVER_DEFAULTS,
  decodeGetDelegationTokenRequest, decodeTokenRequest,
  encodeCancelDelegationTokenResponse, encodeGetDelegationTokenResponse, encodeGetServerDefaultsResponse,
  encodeRenewDelegationTokenResponse,
} from '../protocol/client-protocol.ts';
import type { FsServerDefaults } from '../protocol/client-protocol.ts';

/** The facts of a call the token rules look at. */
export type TokenCaller = Pick<CallContext, 'user' | 'shortUser' | 'realUser' | 'authMethod' | 'remoteAddress'>;

export interface NameNodeTokenServiceOptions {
  secretManager: DelegationTokenSecretManager;
  /** hadoop.security.authentication = kerberos. Default true. */
  securityEnabled?: boolean;
  serverDefaults?: FsServerDefaults;
  /** hadoop.security.auth_to_local: the owner's short name in the identifier's audit text */
  shortName?: ShortNameFn;
  /** the NameNode's audit logger (FsNamesystem.auditLog) */
  auditLog?: AuditLog;
  /** FsNamesystem.checkNameNodeSafeMode: throws SafeModeException while the NameNode is in safe mode */
  checkSafeMode?: (errorMsg: string) => void;
}

const IO_EXCEPTION = 'java.io.IOException';
const log = getLogger('namenode.namesystem');

export class NameNodeTokenService {
  readonly #sm: DelegationTokenSecretManager;
  readonly #secure: boolean;
  readonly #defaults: FsServerDefaults;
  readonly #shortName: ShortNameFn;
  readonly #auditLog: AuditLog;
  readonly #checkSafeMode: (errorMsg: string) => void;

  constructor(options: NameNodeTokenServiceOptions) {
    this.#sm = options.secretManager;
    this.#secure = options.securityEnabled ?? true;
    this.#defaults = options.serverDefaults ?? DEFAULT_SERVER_DEFAULTS;
    this.#shortName = options.shortName ?? firstComponentShortName;
    this.#auditLog = options.auditLog ?? new AuditLog();
    this.#checkSafeMode = options.checkSafeMode ?? (() => undefined);
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
    this.#checkSafeMode('Cannot issue delegation token');
    if (!this.#allowed(caller)) throw this.#refuse('issued', caller);
    if (!this.#sm.running) {
      log.warn('trying to get DT with no secret manager running');
      return undefined;
    }
    const issued = await this.#sm.createToken({ owner: caller.user, renewer, realUser: caller.realUser ?? '', service: '' });
    this.#audit(true, 'getDelegationToken', caller, issued.identifier);
    return issued.token;
  }

  /** Returns the new expiry time (ms since epoch). */
  async renewDelegationToken(token: Token, caller: TokenCaller): Promise<number> {
    this.#checkSafeMode('Cannot renew delegation token');
    if (!this.#allowed(caller)) throw this.#refuse('renewed', caller);
    try {
      const expiry = await this.#sm.renewToken(token, caller.shortUser);
      this.#audit(true, 'renewDelegationToken', caller, decodeIdentifier(token));
      return expiry;
    } catch (e) {
      if (e instanceof AccessControlError) this.#audit(false, 'renewDelegationToken', caller, decodeIdentifier(token));
      throw e;
    }
  }

  async cancelDelegationToken(token: Token, caller: TokenCaller): Promise<void> {
    this.#checkSafeMode('Cannot cancel delegation token');
    try {
      const id = await this.#sm.cancelToken(token, caller.user);
      this.#audit(true, 'cancelDelegationToken', caller, id);
    } catch (e) {
      if (e instanceof AccessControlError) this.#audit(false, 'cancelDelegationToken', caller, decodeIdentifier(token));
      throw e;
    }
  }

  /** logAuditEvent(allowed, cmd, tokenId): src is the identifier's toStringStable(). */
  #audit(allowed: boolean, cmd: string, caller: TokenCaller, id: DelegationTokenIdentifier | undefined): void {
    const src = id ? id.toStringStable(this.#shortName) : null;
    this.#auditLog.log({ allowed, ugi: ugiString(caller.user, caller.authMethod, caller.realUser), ip: caller.remoteAddress, cmd, src });
  }
}

/** DFSUtil.decodeDelegationToken, or undefined for an identifier that does not decode. */
function decodeIdentifier(token: Token): DelegationTokenIdentifier | undefined {
  try {
    return DelegationTokenIdentifier.decode(token.identifier);
  } catch {
    return undefined;
  }
}
