/**
 * The Kerberos GSS-API initiator context (RFC 4121 section 4.1, RFC 2743 GSS_Init_sec_context) as
 * an explicit state machine: Initial --step()--> (AP-REQ sent) AwaitingApRep --step(AP-REP)-->
 * Established, or Initial --> Established directly when mutual authentication is not requested.
 * The AP-REQ (RFC 4120 section 5.5.1) carries the service ticket, ap-options mutual-required,
 * and an Authenticator encrypted with the session key (usage 11) holding the 0x8003 GSS checksum,
 * a fresh random subkey of the session key's etype and a random initial sequence number. The
 * AP-REP (section 5.5.2) must decrypt with the session key (usage 12) and echo ctime/cusec; its
 * subkey, when present, becomes the acceptor subkey every per-message token then uses.
 */
import { randomInt } from 'node:crypto';
import { KerberosError } from '../../../lib/errors/index.ts';
import { systemClock, type Clock } from '../../../lib/time/clock.ts';
import { getProfile, KEY_USAGE, randomKey } from '../crypto/index.ts';
import { decodeApRep, decodeEncApRepPart } from '../messages/ap-rep.ts';
import { encodeApReq, encodeAuthenticator } from '../messages/ap-req.ts';
import { AP_OPTIONS } from '../messages/flags.ts';
import { decodeTicket, type Ticket } from '../messages/ticket.ts';
import { principalToString, type Credential, type EncryptionKey } from '../types.ts';
import { encodeAuthenticatorChecksum, GSS_CHECKSUM_TYPE, GSS_FLAGS } from './authenticator-checksum.ts';
import { describeKrbErrorToken } from './krb-error-token.ts';
import { decodeInitialToken, encodeInitialToken, TOK_ID } from './framing.ts';
import { GssSecurityContext } from './security-context.ts';

export enum InitiatorState {
  Initial = 'Initial',
  AwaitingApRep = 'AwaitingApRep',
  Established = 'Established',
  Failed = 'Failed',
}

export interface InitiatorOptions {
  /** The service ticket for the acceptor (from KerberosLogin.getServiceTicket or a ccache). */
  readonly credential: Credential;
  /** GSS_FLAGS to request. Default mutual | replay | sequence | conf | integ (what the JDK's SASL client asks). */
  readonly flags?: number;
  readonly clock?: Clock;
}

export const DEFAULT_INITIATOR_FLAGS =
  GSS_FLAGS.MUTUAL | GSS_FLAGS.REPLAY | GSS_FLAGS.SEQUENCE | GSS_FLAGS.CONF | GSS_FLAGS.INTEG;

/** Decoded tickets by credential: asn1js parsing costs ~0.4 ms, and a ticket is reused for hours. */
const decodedTickets = new WeakMap<Credential, Ticket>();

function ticketOf(cred: Credential): Ticket {
  let t = decodedTickets.get(cred);
  if (!t) {
    t = decodeTicket(cred.ticket);
    decodedTickets.set(cred, t);
  }
  return t;
}

/** A 30-bit random initial sequence number, as MIT chooses (stays positive in a DER INTEGER). */
export function randomSequenceNumber(): number {
  return randomInt(0, 0x40000000);
}

export class InitiatorContext {
  #state = InitiatorState.Initial;
  readonly #cred: Credential;
  readonly #flags: number;
  readonly #clock: Clock;
  #subkey: EncryptionKey | undefined;
  #seq = 0;
  #ctime = 0;
  #cusec = 0;
  #established: GssSecurityContext | undefined;

  constructor(opts: InitiatorOptions) {
    this.#cred = opts.credential;
    this.#flags = (opts.flags ?? DEFAULT_INITIATOR_FLAGS) | GSS_FLAGS.INTEG;
    this.#clock = opts.clock ?? systemClock;
  }

  get state(): InitiatorState {
    return this.#state;
  }

  get isEstablished(): boolean {
    return this.#state === InitiatorState.Established;
  }

  /** The established context; GSS_CONTEXT before establishment. */
  get context(): GssSecurityContext {
    if (!this.#established) {
      throw new KerberosError('GSS_CONTEXT', `GSS initiator context is not established (state ${this.#state})`, { state: this.#state });
    }
    return this.#established;
  }

  /**
   * One GSS_Init_sec_context call. In Initial, `input` must be empty; returns the AP-REQ token.
   * In AwaitingApRep, `input` is the acceptor's AP-REP token; returns undefined when established.
   */
  step(input?: Uint8Array): Buffer | undefined {
    try {
      switch (this.#state) {
        case InitiatorState.Initial:
          if (input && input.length > 0) throw this.#unexpected('a token before the AP-REQ was sent');
          return this.#sendApReq();
        case InitiatorState.AwaitingApRep:
          if (!input || input.length === 0) throw this.#unexpected('an empty token instead of the AP-REP');
          this.#acceptApRep(input);
          return undefined;
        default:
          throw this.#unexpected('a token');
      }
    } catch (err) {
      this.#state = InitiatorState.Failed;
      throw err;
    }
  }

  #sendApReq(): Buffer {
    const cred = this.#cred;
    if (cred.endTime <= this.#clock.now()) {
      throw new KerberosError(
        'KRB_EXPIRED',
        `Service ticket for ${principalToString(cred.server)} expired at ${new Date(cred.endTime).toISOString()}; log in again`,
        { principal: principalToString(cred.server) },
      );
    }
    const now = this.#clock.now();
    this.#ctime = Math.floor(now / 1000) * 1000;
    this.#cusec = (now - this.#ctime) * 1000 + randomInt(0, 1000);
    this.#subkey = randomKey(cred.sessionKey.etype);
    this.#seq = randomSequenceNumber();
    const authenticator = encodeAuthenticator({
      crealm: cred.client.realm,
      cname: cred.client.name,
      cksum: { cksumtype: GSS_CHECKSUM_TYPE, checksum: encodeAuthenticatorChecksum(this.#flags) },
      cusec: this.#cusec,
      ctime: this.#ctime,
      subkey: this.#subkey,
      seqNumber: this.#seq,
    });
    const profile = getProfile(cred.sessionKey.etype);
    const cipher = profile.encrypt(cred.sessionKey.value, KEY_USAGE.AP_REQ_AUTHENTICATOR, authenticator);
    const mutual = (this.#flags & GSS_FLAGS.MUTUAL) !== 0;
    const apReq = encodeApReq({
      apOptions: mutual ? AP_OPTIONS.MUTUAL_REQUIRED : 0,
      ticket: ticketOf(cred),
      authenticator: { etype: profile.etype, cipher },
    });
    if (mutual) {
      this.#state = InitiatorState.AwaitingApRep;
    } else {
      this.#establish(undefined, this.#seq);
    }
    return encodeInitialToken({ tokenId: TOK_ID.AP_REQ, body: apReq });
  }

  #acceptApRep(input: Uint8Array): void {
    const token = decodeInitialToken(input);
    const server = principalToString(this.#cred.server);
    if (token.tokenId === TOK_ID.KRB_ERROR) throw describeKrbErrorToken(token.body, server);
    if (token.tokenId !== TOK_ID.AP_REP) {
      throw new KerberosError('GSS_DEFECTIVE_TOKEN', `Expected an AP-REP token (02 00) from ${server}, got TOK_ID 0x${token.tokenId.toString(16)}`, {
        principal: server,
      });
    }
    const apRep = decodeApRep(token.body);
    const key = this.#cred.sessionKey;
    const part = decodeEncApRepPart(getProfile(key.etype).decrypt(key.value, KEY_USAGE.AP_REP_ENC_PART, apRep.encPart.cipher));
    if (part.ctime !== this.#ctime || part.cusec !== this.#cusec) {
      throw new KerberosError(
        'AUTH_FAILED',
        `Mutual authentication of ${server} failed: the AP-REP does not echo our authenticator time (KRB_AP_ERR_MUT_FAIL)`,
        { principal: server },
      );
    }
    this.#establish(part.subkey, part.seqNumber ?? this.#seq);
  }

  #establish(acceptorSubkey: EncryptionKey | undefined, recvSeq: number): void {
    const cred = this.#cred;
    this.#established = new GssSecurityContext({
      role: 'initiator',
      initiatorName: cred.client,
      acceptorName: cred.server,
      sessionKey: cred.sessionKey,
      ...(this.#subkey ? { initiatorSubkey: this.#subkey } : {}),
      ...(acceptorSubkey ? { acceptorSubkey } : {}),
      sendSeq: this.#seq,
      recvSeq,
      flags: this.#flags,
      endTime: cred.endTime,
    });
    this.#state = InitiatorState.Established;
  }

  #unexpected(what: string): KerberosError {
    return new KerberosError('GSS_CONTEXT', `GSS initiator received ${what} in state ${this.#state}`, { state: this.#state });
  }
}
