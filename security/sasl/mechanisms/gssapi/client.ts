/**
 * The GSSAPI SASL client (RFC 4752 section 3.1, as the JDK's GssKrb5Client does it) as a state
 * machine:
 *
 *   Initial --step()--> (AP-REQ) AwaitApRep --AP-REP--> (empty response) AwaitLayerOffer
 *   AwaitLayerOffer --empty--> (empty) AwaitLayerOffer          (RFC 2222 7.2.1 "S0")
 *   AwaitLayerOffer --wrapped 4-byte offer--> (wrapped choice + authzid) Complete
 *   any failure --> Failed; any step in Complete or Failed --> SASL_STATE
 *
 * The client picks the first QOP of its own list that the server offers (chooseQop), answers with
 * its receive max buffer (0 when it chose `auth`) and the authorization id, wrapped without
 * confidentiality. The service ticket comes from a Credential or a ticket source (KerberosLogin).
 */
import { SaslError } from '../../../../lib/errors/index.ts';
import type { Clock } from '../../../../lib/time/clock.ts';
import { InitiatorContext } from '../../../kerberos/gss/initiator.ts';
import { principalToString, type Credential } from '../../../kerberos/types.ts';
import type { Qop, SaslClient, SaslOptions, SaslSecurityLayer } from '../../mechanism.ts';
import { NoSecurityLayer } from '../../no-security-layer.ts';
import { publishNegotiated } from '../../events.ts';
import { chooseQop } from '../../qop.ts';
import { notComplete, unexpectedStep } from '../../state.ts';
import { decodeLayerMessage, encodeLayerMessage, maskToQops, MAX_LAYER_BUFFER, qopBit } from './layer-message.ts';
import { GssSaslSecurityLayer } from './security-layer.ts';

export const MECHANISM = 'GSSAPI';
const EMPTY = new Uint8Array(0);

/** Where the client gets its service ticket (KerberosLogin implements this). */
export interface ServiceTicketSource {
  getServiceTicket(servicePrincipal: string): Promise<Credential>;
}

export interface GssapiClientOptions extends SaslOptions {
  /** Service protocol: first component of the server principal (Hadoop: `nn`, `dn`, `jt`). */
  readonly protocol: string;
  /** Server id: second component (Hadoop: the server host name, e.g. `localhost`). */
  readonly serverName: string;
  /** Realm of the server principal; default the client's realm (from the ticket source). */
  readonly realm?: string;
  /** A service ticket for `<protocol>/<serverName>@<realm>`, or a source to get one from. */
  readonly credential?: Credential;
  readonly ticketSource?: ServiceTicketSource;
  /** Authorization id to request (javax.security.sasl authorizationId); default none. */
  readonly authorizationId?: string;
  /** Our cap on the send buffer (javax.security.sasl.sendmaxbuffer); default the server's max. */
  readonly sendMaxBuffer?: number;
  readonly clock?: Clock;
}

export enum State {
  Initial = 'Initial',
  AwaitApRep = 'AwaitApRep',
  AwaitLayerOffer = 'AwaitLayerOffer',
  Complete = 'Complete',
  Failed = 'Failed',
}

export class GssapiClient implements SaslClient {
  readonly mechanism = MECHANISM;
  readonly hasInitialResponse = true;
  readonly #opts: GssapiClientOptions;
  readonly #qops: readonly Qop[];
  #state = State.Initial;
  #initiator: InitiatorContext | undefined;
  #layer: SaslSecurityLayer | undefined;

  constructor(opts: GssapiClientOptions) {
    if (!opts.credential && !opts.ticketSource) {
      throw new SaslError('SASL_STATE', 'GSSAPI client needs a service ticket: pass `credential` or `ticketSource` (a KerberosLogin)', {
        mechanism: MECHANISM,
      });
    }
    this.#opts = opts;
    this.#qops = opts.qop && opts.qop.length > 0 ? opts.qop : ['auth'];
  }

  get state(): State {
    return this.#state;
  }

  get isComplete(): boolean {
    return this.#state === State.Complete;
  }

  /** `<protocol>/<serverName>[@realm]`: the principal the ticket is for. */
  get servicePrincipal(): string {
    const base = `${this.#opts.protocol}/${this.#opts.serverName}`;
    return this.#opts.realm ? `${base}@${this.#opts.realm}` : base;
  }

  securityLayer(): SaslSecurityLayer {
    if (!this.#layer) throw notComplete(MECHANISM, 'client', this.#state);
    return this.#layer;
  }

  async step(challenge: Uint8Array | undefined): Promise<Uint8Array | undefined> {
    const input = challenge ?? EMPTY;
    try {
      switch (this.#state) {
        case State.Initial:
          return await this.#start();
        case State.AwaitApRep:
          this.#initiator!.step(input);
          this.#state = State.AwaitLayerOffer;
          return EMPTY;
        case State.AwaitLayerOffer:
          return input.length === 0 ? EMPTY : this.#chooseLayer(input);
        default:
          throw unexpectedStep(MECHANISM, 'client', this.#state);
      }
    } catch (err) {
      if (this.#state !== State.Complete) this.#state = State.Failed;
      throw err;
    }
  }

  async #start(): Promise<Uint8Array> {
    const credential = this.#opts.credential ?? (await this.#opts.ticketSource!.getServiceTicket(this.servicePrincipal));
    this.#initiator = new InitiatorContext({ credential, ...(this.#opts.clock ? { clock: this.#opts.clock } : {}) });
    const apReq = this.#initiator.step()!;
    this.#state = this.#initiator.isEstablished ? State.AwaitLayerOffer : State.AwaitApRep;
    return apReq;
  }

  #chooseLayer(token: Uint8Array): Uint8Array {
    const ctx = this.#initiator!.context;
    const offer = decodeLayerMessage(ctx.unwrap(token).data, 'server');
    const qop = chooseQop(this.#qops, maskToQops(offer.layers));
    const recvMax = Math.min(this.#opts.maxBuffer ?? 65536, MAX_LAYER_BUFFER);
    const sendMax = this.#opts.sendMaxBuffer ? Math.min(this.#opts.sendMaxBuffer, offer.maxBuffer) : offer.maxBuffer;
    const reply = encodeLayerMessage({
      layers: qopBit(qop),
      maxBuffer: qop === 'auth' ? 0 : recvMax,
      authorizationId: this.#opts.authorizationId ?? '',
    });
    const out = ctx.wrap(reply, false);
    this.#layer =
      qop === 'auth' ? new NoSecurityLayer(MECHANISM) : new GssSaslSecurityLayer(ctx, qop, ctx.wrapSizeLimit(qop === 'auth-conf', sendMax));
    this.#state = State.Complete;
    publishNegotiated({ mechanism: MECHANISM, side: 'client', qop, user: principalToString(ctx.initiatorName) });
    return out;
  }
}
