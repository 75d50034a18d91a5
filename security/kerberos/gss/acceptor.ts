/**
 * The Kerberos GSS-API acceptor context (RFC 4121 section 4.1, RFC 2743 GSS_Accept_sec_context)
 * as an explicit state machine: AwaitingApReq --step(AP-REQ)--> Established (returning the AP-REP
 * token when mutual authentication was asked for), or Failed. Processing follows RFC 4120 section
 * 3.2.3: find the service key for (server, etype, kvno) in the acceptor credential, decrypt the
 * ticket (usage 2) and the authenticator (usage 11), check that the names match, that the
 * authenticator time is within the allowed skew, that the ticket is current, and that the
 * authenticator is not a replay; that the ticket's enc-part etype, its session key and the
 * authenticator subkey are permitted enctypes (MIT krb5_decrypt_tkt_part and rd_req_dec.c
 * negotiate_etype: KRB5_NOPERM_ETYPE); then read the 0x8003 GSS checksum. The AP-REP carries our own random
 * sequence number and, by default, a fresh acceptor subkey of the initiator subkey's etype (what
 * MIT's acceptor sends; the JDK's sends none unless sun.security.krb5.acceptor.subkey=true, and
 * `acceptorSubkey: false` does the same). MIT and JDK initiators accept both. A rejection is also offered as a
 * KRB-ERROR token (`errorToken`) for transports that can carry it.
 */
import { KerberosError } from '../../../lib/errors/index.ts';
import type { Clock } from '../../../lib/time/clock.ts';
import { getProfile, isSupportedEtype, KEY_USAGE, randomKey } from '../crypto/index.ts';
import { encodeApRep, encodeEncApRepPart } from '../messages/ap-rep.ts';
import { decodeApReq, decodeAuthenticator, type Authenticator } from '../messages/ap-req.ts';
import { KRB_ERROR_CODE } from '../messages/error-codes.ts';
import { AP_OPTIONS, TICKET_FLAGS } from '../messages/flags.ts';
import { principalNameEquals } from '../messages/principal-name.ts';
import { decodeEncTicketPart, type EncTicketPart } from '../messages/ticket.ts';
import { principalToString, type EncryptionKey, type Principal } from '../types.ts';
import type { Krb5Config } from '../config/krb5-conf.ts';
import type { AcceptorCredential, AcceptorPolicy } from './acceptor-credential.ts';
import { decodeAuthenticatorChecksum, GSS_CHECKSUM_TYPE, GSS_FLAGS } from './authenticator-checksum.ts';
import { decodeInitialToken, encodeInitialToken, TOK_ID } from './framing.ts';
import { randomSequenceNumber } from './initiator.ts';
import { encodeKrbErrorToken, wireErrorCode } from './krb-error-token.ts';
import { GssSecurityContext } from './security-context.ts';

export enum AcceptorState {
  AwaitingApReq = 'AwaitingApReq',
  Established = 'Established',
  Failed = 'Failed',
}

export interface AcceptorOptions {
  readonly credential: AcceptorCredential;
  /** Overrides the credential's clock (tests). */
  readonly clock?: Clock;
  /**
   * Send a fresh acceptor subkey in the AP-REP (default true, as MIT does; RFC 4121 recommends it).
   * false behaves like the JDK acceptor (sun.security.krb5.acceptor.subkey=false, what a stock
   * Hadoop NameNode sends): tokens then use the initiator's subkey.
   */
  readonly acceptorSubkey?: boolean;
  /**
   * krb5.conf for the clock skew and permitted enctypes, unless the credential was given them
   * explicitly (AcceptorCredential.policy). Default: the credential's policy.
   */
  readonly krb5Config?: Krb5Config;
}

export class AcceptorContext {
  #state = AcceptorState.AwaitingApReq;
  readonly #cred: AcceptorCredential;
  readonly #clock: Clock;
  readonly #sendSubkey: boolean;
  readonly #policy: AcceptorPolicy;
  #established: GssSecurityContext | undefined;
  #server: Principal | undefined;
  #error: KerberosError | undefined;

  constructor(opts: AcceptorOptions) {
    this.#cred = opts.credential;
    this.#clock = opts.clock ?? opts.credential.clock;
    this.#sendSubkey = opts.acceptorSubkey ?? true;
    this.#policy = opts.credential.policy(opts.krb5Config);
  }

  /** The clock skew (s) and permitted enctypes this context enforces. */
  get policy(): AcceptorPolicy {
    return this.#policy;
  }

  get state(): AcceptorState {
    return this.#state;
  }

  get isEstablished(): boolean {
    return this.#state === AcceptorState.Established;
  }

  get context(): GssSecurityContext {
    if (!this.#established) {
      throw new KerberosError('GSS_CONTEXT', `GSS acceptor context is not established (state ${this.#state})`, { state: this.#state });
    }
    return this.#established;
  }

  /** After a failed step: the KRB-ERROR token to send back to the initiator, if any. */
  errorToken(): Buffer | undefined {
    if (!this.#error || !this.#server) return undefined;
    // A permitted_enctypes refusal is MIT's KRB5_NOPERM_ETYPE, a library code: MIT's acceptor
    // sends it as KRB_ERR_GENERIC, not as a missing key.
    const wire = this.#error.details.permitted ? KRB_ERROR_CODE.KRB_ERR_GENERIC : wireErrorCode(this.#error.code);
    return encodeKrbErrorToken(wire, this.#server, this.#clock.now());
  }

  /** One GSS_Accept_sec_context call on the initiator's AP-REQ token; returns the AP-REP token or undefined. */
  step(input: Uint8Array): Buffer | undefined {
    if (this.#state !== AcceptorState.AwaitingApReq) {
      throw new KerberosError('GSS_CONTEXT', `GSS acceptor received a token in state ${this.#state}`, { state: this.#state });
    }
    try {
      return this.#acceptApReq(input);
    } catch (err) {
      this.#state = AcceptorState.Failed;
      if (err instanceof KerberosError) this.#error = err;
      throw err;
    }
  }

  #acceptApReq(input: Uint8Array): Buffer | undefined {
    const token = decodeInitialToken(input);
    if (token.tokenId !== TOK_ID.AP_REQ) {
      throw new KerberosError('GSS_DEFECTIVE_TOKEN', `Expected an AP-REQ token (01 00), got TOK_ID 0x${token.tokenId.toString(16)}`, {});
    }
    const apReq = decodeApReq(token.body);
    if (apReq.apOptions & AP_OPTIONS.USE_SESSION_KEY) {
      throw new KerberosError('KRB_BAD_FORMAT', 'AP-REQ asks for user-to-user authentication (ap-option use-session-key), which hsec does not support', {});
    }
    const server: Principal = { name: apReq.ticket.sname, realm: apReq.ticket.realm };
    this.#server = server;
    const serverName = principalToString(server);
    const enc = apReq.ticket.encPart;
    const { key } = this.#cred.findKey(server, enc.etype, enc.kvno);
    this.#requirePermitted(enc.etype, `the ticket for ${serverName} (enc-part)`, serverName);
    const ticket = decodeEncTicketPart(decryptOrExplain(key, KEY_USAGE.KDC_REP_TICKET, enc.cipher, `ticket for ${serverName}`));
    const client: Principal = { name: ticket.cname, realm: ticket.crealm };
    const clientName = principalToString(client);
    const auth = decodeAuthenticator(
      decryptOrExplain(ticket.key, KEY_USAGE.AP_REQ_AUTHENTICATOR, apReq.authenticator.cipher, `authenticator from ${clientName}`),
    );
    if (auth.crealm !== ticket.crealm || !principalNameEquals(auth.cname, ticket.cname)) {
      throw new KerberosError(
        'KRB_NAME',
        `Authenticator names ${principalToString({ name: auth.cname, realm: auth.crealm })} but the ticket was issued to ${clientName} (KRB_AP_ERR_BADMATCH)`,
        { principal: clientName },
      );
    }
    this.#checkTimes(auth, ticket, clientName, serverName);
    this.#cred.replayCache.checkAndStore(
      { client: clientName, server: serverName, ctime: auth.ctime, cusec: auth.cusec, cipher: apReq.authenticator.cipher },
      this.#policy.skewSeconds,
    );
    // MIT rd_req_dec.c negotiate_etype: the authenticator subkey and the session key must be permitted.
    if (auth.subkey) this.#requirePermitted(auth.subkey.etype, `the authenticator subkey from ${clientName}`, serverName);
    this.#requirePermitted(ticket.key.etype, `the session key of ${clientName}'s ticket`, serverName);
    const gssFlags = readGssFlags(auth, clientName);
    const mutual = (apReq.apOptions & AP_OPTIONS.MUTUAL_REQUIRED) !== 0 || (gssFlags & GSS_FLAGS.MUTUAL) !== 0;
    const flags = (gssFlags & (GSS_FLAGS.MUTUAL | GSS_FLAGS.REPLAY | GSS_FLAGS.SEQUENCE)) | GSS_FLAGS.CONF | GSS_FLAGS.INTEG;
    const peerSeq = auth.seqNumber ?? 0;
    const base = {
      role: 'acceptor' as const,
      initiatorName: client,
      acceptorName: server,
      sessionKey: ticket.key,
      ...(auth.subkey ? { initiatorSubkey: auth.subkey } : {}),
      recvSeq: peerSeq,
      flags,
      endTime: ticket.endTime,
    };
    if (!mutual) {
      // Without an AP-REP both directions start from the initiator's number (MIT, the JDK).
      this.#established = new GssSecurityContext({ ...base, sendSeq: peerSeq });
      this.#state = AcceptorState.Established;
      return undefined;
    }
    const acceptorSubkey: EncryptionKey | undefined = this.#sendSubkey ? randomKey((auth.subkey ?? ticket.key).etype) : undefined;
    const mySeq = randomSequenceNumber();
    const part = encodeEncApRepPart({ ctime: auth.ctime, cusec: auth.cusec, ...(acceptorSubkey ? { subkey: acceptorSubkey } : {}), seqNumber: mySeq });
    const profile = getProfile(ticket.key.etype);
    const apRep = encodeApRep({ encPart: { etype: profile.etype, cipher: profile.encrypt(ticket.key.value, KEY_USAGE.AP_REP_ENC_PART, part) } });
    this.#established = new GssSecurityContext({ ...base, ...(acceptorSubkey ? { acceptorSubkey } : {}), sendSeq: mySeq });
    this.#state = AcceptorState.Established;
    return encodeInitialToken({ tokenId: TOK_ID.AP_REP, body: apRep });
  }

  /** KRB5_NOPERM_ETYPE in MIT: an etype outside krb5.conf permitted_enctypes is refused. */
  #requirePermitted(etype: number, what: string, serverName: string): void {
    const permitted = this.#policy.permittedEnctypes;
    if (!permitted || permitted.includes(etype)) return;
    throw new KerberosError(
      'KRB_ENCTYPE_UNSUPPORTED',
      `Encryption type ${etypeName(etype)} (${etype}) of ${what} is not permitted by this acceptor (${serverName}): ` +
        `permitted_enctypes is [${permitted.map((e) => `${etypeName(e)} (${e})`).join(', ')}]. ` +
        'Add the enctype to krb5.conf permitted_enctypes, or restrict the service principal to a permitted enctype (kadmin: setstr <princ> session_enctypes; re-key with -e)',
      { principal: serverName, etype, permitted: permitted.map(String) },
    );
  }

  /** RFC 4120 section 3.2.3: authenticator within the skew; ticket started and not expired. */
  #checkTimes(auth: Authenticator, ticket: EncTicketPart, clientName: string, serverName: string): void {
    const now = this.#clock.now();
    const maxSkew = this.#policy.skewSeconds;
    const skewMs = maxSkew * 1000;
    const clientTime = auth.ctime + Math.floor(auth.cusec / 1000);
    const skew = Math.abs(now - clientTime);
    if (skew > skewMs) {
      const measured = Math.round(skew / 1000);
      throw new KerberosError(
        'KRB_CLOCK_SKEW',
        `Clock skew too great (KRB_AP_ERR_SKEW): ${clientName}'s clock is ${measured} s ${clientTime > now ? 'ahead of' : 'behind'} ` +
          `this acceptor (${serverName}); at most ${maxSkew} s is allowed (krb5.conf clockskew). Synchronise both hosts with NTP`,
        { principal: clientName, skewSeconds: measured, maxSkewSeconds: maxSkew },
      );
    }
    if (ticket.flags & TICKET_FLAGS.INVALID) {
      throw new KerberosError('KRB_EXPIRED', `Ticket of ${clientName} for ${serverName} is marked invalid (postdated, not yet validated)`, {
        principal: clientName,
      });
    }
    const start = ticket.startTime ?? ticket.authTime;
    if (start - skewMs > now) {
      throw new KerberosError('KRB_EXPIRED', `Ticket of ${clientName} for ${serverName} is not valid before ${new Date(start).toISOString()} (KRB_AP_ERR_TKT_NYV)`, {
        principal: clientName,
      });
    }
    if (ticket.endTime + skewMs < now) {
      throw new KerberosError(
        'KRB_EXPIRED',
        `Ticket of ${clientName} for ${serverName} expired at ${new Date(ticket.endTime).toISOString()} (KRB_AP_ERR_TKT_EXPIRED): the client must get a new ticket`,
        { principal: clientName },
      );
    }
  }
}

function etypeName(etype: number): string {
  return isSupportedEtype(etype) ? getProfile(etype).name : `etype ${etype}`;
}

function decryptOrExplain(key: EncryptionKey, usage: number, cipher: Uint8Array, what: string): Buffer {
  try {
    return getProfile(key.etype).decrypt(key.value, usage, cipher);
  } catch (err) {
    if (err instanceof KerberosError && err.code === 'KRB_INTEGRITY') {
      throw new KerberosError(
        'KRB_INTEGRITY',
        `Cannot decrypt the ${what} (KRB_AP_ERR_BAD_INTEGRITY): ${usage === KEY_USAGE.KDC_REP_TICKET ? 'the keytab key does not match the KDC\'s (re-export the keytab)' : 'it was altered or built with another session key'}`,
        { what, usage },
        { cause: err },
      );
    }
    throw err;
  }
}

function readGssFlags(auth: Authenticator, clientName: string): number {
  if (!auth.cksum || auth.cksum.cksumtype !== GSS_CHECKSUM_TYPE) {
    throw new KerberosError(
      'GSS_DEFECTIVE_TOKEN',
      `Authenticator from ${clientName} lacks the GSS checksum (type 0x8003, RFC 4121 section 4.1.1): not a GSS-API Kerberos initiator`,
      { principal: clientName },
    );
  }
  return decodeAuthenticatorChecksum(auth.cksum.checksum).flags;
}
