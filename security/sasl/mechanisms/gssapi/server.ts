/**
 * The GSSAPI SASL server (RFC 4752 section 3.1, as the JDK's GssKrb5Server does it, which is what
 * Hadoop's SaslRpcServer runs for KERBEROS) as a state machine:
 *
 *   AwaitApReq --AP-REQ--> (AP-REP) AwaitEmpty --empty--> (wrapped offer) AwaitLayerChoice
 *   AwaitApReq --AP-REQ without mutual--> (wrapped offer) AwaitLayerChoice
 *   AwaitLayerChoice --wrapped choice--> (nothing) Complete
 *   any failure --> Failed; any step in Complete or Failed --> SASL_STATE
 *
 * The offer is the mask of the QOPs this server allows and its receive max buffer; the client's
 * single chosen layer must be one of them. The offer is made after the AP-REQ authenticated the
 * client, so it may depend on who the client is: with `qopFor`, the list for that principal
 * (principal rules, docs/selective-encryption.md) replaces `qop`. The authentication id is the client principal
 * (`alice@REALM`); the authorization id defaults to it, and the default authorization rule is
 * Hadoop's SaslGssCallbackHandler: both must be equal.
 */
import { HsecError, SaslError } from '../../../../lib/errors/index.ts';
import type { Clock } from '../../../../lib/time/clock.ts';
import type { Krb5Config } from '../../../kerberos/config/krb5-conf.ts';
import type { AcceptorCredential } from '../../../kerberos/gss/acceptor-credential.ts';
import { AcceptorContext } from '../../../kerberos/gss/acceptor.ts';
import { principalToString } from '../../../kerberos/types.ts';
import type { Qop, SaslOptions, SaslSecurityLayer, SaslServer } from '../../mechanism.ts';
import { NoSecurityLayer } from '../../no-security-layer.ts';
import { publishAuthFailure, publishNegotiated } from '../../events.ts';
import { noCommonQop } from '../../qop.ts';
import { notComplete, unexpectedStep } from '../../state.ts';
import { MECHANISM } from './client.ts';
import { decodeLayerMessage, encodeLayerMessage, maskToQops, MAX_LAYER_BUFFER, qopsToMask } from './layer-message.ts';
import { GssSaslSecurityLayer } from './security-layer.ts';

export interface GssapiServerOptions extends SaslOptions {
  /** The service keys (keytab) this server accepts tickets with. */
  readonly credential: AcceptorCredential;
  /** Expected service protocol (first principal component); checked as the JDK does. Default: any. */
  readonly protocol?: string;
  /** Authorization check; default authorizationId === authenticationId (Hadoop). */
  readonly authorize?: (authenticationId: string, authorizationId: string) => boolean | Promise<boolean>;
  /** Our cap on the send buffer (javax.security.sasl.sendmaxbuffer); default the client's max. */
  readonly sendMaxBuffer?: number;
  readonly clock?: Clock;
  /**
   * The QOP list to offer once the client principal is known (called once, after the AP-REQ is
   * accepted); default `qop` for everyone. An empty answer means auth, as an empty `qop` does.
   */
  readonly qopFor?: (principal: string) => readonly Qop[];
  /** Send an acceptor subkey in the AP-REP (default true; false = what the JDK/Hadoop server does). */
  readonly acceptorSubkey?: boolean;
  /**
   * krb5.conf (loadKrb5Config()) whose clockskew and permitted_enctypes apply unless the
   * credential was given skewSeconds / permittedEnctypes explicitly. Default: the credential's.
   */
  readonly krb5Config?: Krb5Config;
}

export enum State {
  AwaitApReq = 'AwaitApReq',
  AwaitEmpty = 'AwaitEmpty',
  AwaitLayerChoice = 'AwaitLayerChoice',
  Complete = 'Complete',
  Failed = 'Failed',
}

export class GssapiServer implements SaslServer {
  readonly mechanism = MECHANISM;
  readonly #opts: GssapiServerOptions;
  #qops: readonly Qop[];
  readonly #acceptor: AcceptorContext;
  #state = State.AwaitApReq;
  #layer: SaslSecurityLayer | undefined;
  #peer: string | undefined;
  #authorizationId: string | undefined;

  constructor(opts: GssapiServerOptions) {
    this.#opts = opts;
    this.#qops = orAuth(opts.qop);
    this.#acceptor = new AcceptorContext({
      credential: opts.credential,
      ...(opts.clock ? { clock: opts.clock } : {}),
      ...(opts.acceptorSubkey !== undefined ? { acceptorSubkey: opts.acceptorSubkey } : {}),
      ...(opts.krb5Config ? { krb5Config: opts.krb5Config } : {}),
    });
  }

  get state(): State {
    return this.#state;
  }

  get isComplete(): boolean {
    return this.#state === State.Complete;
  }

  /** The client principal, once the Kerberos context is established. */
  get authenticationId(): string | undefined {
    return this.#peer;
  }

  get authorizationId(): string | undefined {
    return this.#state === State.Complete ? this.#authorizationId : undefined;
  }

  /** After a failed first step: the KRB-ERROR token an initiator may be sent (MIT does). */
  errorToken(): Uint8Array | undefined {
    return this.#acceptor.errorToken();
  }

  securityLayer(): SaslSecurityLayer {
    if (!this.#layer) throw notComplete(MECHANISM, 'server', this.#state);
    return this.#layer;
  }

  async step(response: Uint8Array): Promise<Uint8Array | undefined> {
    try {
      switch (this.#state) {
        case State.AwaitApReq:
          return this.#accept(response);
        case State.AwaitEmpty:
          if (response.length > 0) {
            throw new SaslError('SASL_BAD_RESPONSE', 'GSSAPI client sent data where RFC 4752 expects an empty response', {
              mechanism: MECHANISM,
              state: this.#state,
            });
          }
          return this.#offer();
        case State.AwaitLayerChoice:
          return await this.#finish(response);
        default:
          throw unexpectedStep(MECHANISM, 'server', this.#state);
      }
    } catch (err) {
      if (this.#state !== State.Complete && this.#state !== State.Failed) {
        this.#state = State.Failed;
        // Every failure before completion is an authentication failure (bad ticket, replay, skew,
        // authorization, no common QOP); the code says which.
        const code = err instanceof HsecError ? err.code : 'SASL_AUTH_FAILED';
        publishAuthFailure({ mechanism: MECHANISM, side: 'server', user: this.#peer, code });
      }
      throw err;
    }
  }

  #accept(apReq: Uint8Array): Uint8Array {
    const apRep = this.#acceptor.step(apReq);
    const ctx = this.#acceptor.context;
    this.#peer = principalToString(ctx.initiatorName);
    const me = ctx.acceptorName.name.components[0] ?? '';
    if (this.#opts.protocol !== undefined && this.#opts.protocol.toLowerCase() !== me.toLowerCase()) {
      throw new SaslError(
        'SASL_AUTH_FAILED',
        `GSS context target ${principalToString(ctx.acceptorName)} is not for protocol ${this.#opts.protocol}`,
        { mechanism: MECHANISM, principal: principalToString(ctx.acceptorName) },
      );
    }
    if (this.#opts.qopFor) this.#qops = orAuth(this.#opts.qopFor(this.#peer));
    if (apRep) {
      this.#state = State.AwaitEmpty;
      return apRep;
    }
    return this.#offer();
  }

  #offer(): Uint8Array {
    const recvMax = Math.min(this.#opts.maxBuffer ?? 65536, MAX_LAYER_BUFFER);
    const offer = encodeLayerMessage({ layers: qopsToMask(this.#qops), maxBuffer: recvMax, authorizationId: '' });
    this.#state = State.AwaitLayerChoice;
    return this.#acceptor.context.wrap(offer, false);
  }

  async #finish(response: Uint8Array): Promise<undefined> {
    const ctx = this.#acceptor.context;
    const choice = decodeLayerMessage(ctx.unwrap(response).data, 'client');
    const chosen = maskToQops(choice.layers);
    if (chosen.length !== 1 || !this.#qops.includes(chosen[0]!)) throw noCommonQop(chosen, this.#qops);
    const qop = chosen[0]!;
    const authz = choice.authorizationId === '' ? this.#peer! : choice.authorizationId;
    const authorize = this.#opts.authorize ?? ((authn: string, az: string) => authn === az);
    if (!(await authorize(this.#peer!, authz))) {
      throw new SaslError('SASL_AUTH_FAILED', `${this.#peer} is not authorized to connect as ${authz}`, {
        mechanism: MECHANISM,
        principal: this.#peer,
        authorizationId: authz,
      });
    }
    const sendMax = this.#opts.sendMaxBuffer ? Math.min(this.#opts.sendMaxBuffer, choice.maxBuffer) : choice.maxBuffer;
    this.#layer =
      qop === 'auth' ? new NoSecurityLayer(MECHANISM) : new GssSaslSecurityLayer(ctx, qop, ctx.wrapSizeLimit(qop === 'auth-conf', sendMax));
    this.#authorizationId = authz;
    this.#state = State.Complete;
    publishNegotiated({ mechanism: MECHANISM, side: 'server', qop, user: this.#peer! });
    return undefined;
  }
}

function orAuth(qop: readonly Qop[] | undefined): readonly Qop[] {
  return qop && qop.length > 0 ? qop : ['auth'];
}
