/**
 * An established Kerberos GSS-API security context (RFC 2743 section 2.3 per-message calls over
 * RFC 4121 tokens): wrap/unwrap and getMic/verifyMic with the context key chosen as RFC 4121
 * section 2 says (the acceptor subkey when the acceptor asserted one, else the initiator subkey,
 * else the ticket session key), our send sequence number and the peer's sequence window. The
 * initiator and acceptor state machines (initiator.ts, acceptor.ts) build it once the AP exchange
 * is done; SASL GSSAPI and SPNEGO use only this class.
 */
import { KerberosError } from '../../../lib/errors/index.ts';
import { getProfile } from '../crypto/index.ts';
import type { EncryptionProfile } from '../crypto/profile.ts';
import type { EncryptionKey, Principal } from '../types.ts';
import { GSS_FLAGS } from './authenticator-checksum.ts';
import {
  makeMicToken,
  makeWrapToken,
  openWrapToken,
  parseTokenHeader,
  TOKEN_FLAG,
  verifyMicToken,
  wrapSizeLimit,
  type TokenKey,
} from './per-message-tokens.ts';
import { SequenceWindow } from './sequence-window.ts';

export type GssRole = 'initiator' | 'acceptor';

export interface SecurityContextParams {
  readonly role: GssRole;
  readonly initiatorName: Principal;
  readonly acceptorName: Principal;
  /** The ticket session key. */
  readonly sessionKey: EncryptionKey;
  readonly initiatorSubkey?: EncryptionKey;
  readonly acceptorSubkey?: EncryptionKey;
  /** Our first send sequence number. */
  readonly sendSeq: number | bigint;
  /** The peer's first sequence number. */
  readonly recvSeq: number | bigint;
  /** GSS_FLAGS granted for the context. */
  readonly flags: number;
  /** Ticket end time (ms): the context lifetime. */
  readonly endTime: number;
}

export interface Unwrapped {
  readonly data: Buffer;
  /** True when the token was encrypted (Sealed). */
  readonly conf: boolean;
}

export class GssSecurityContext {
  readonly role: GssRole;
  readonly initiatorName: Principal;
  readonly acceptorName: Principal;
  readonly flags: number;
  readonly endTime: number;
  readonly #send: TokenKey;
  readonly #acceptorSubkey: TokenKey | undefined;
  readonly #otherKey: TokenKey;
  readonly #sendFlags: number;
  #sendSeq: bigint;
  readonly #window: SequenceWindow;

  constructor(p: SecurityContextParams) {
    this.role = p.role;
    this.initiatorName = p.initiatorName;
    this.acceptorName = p.acceptorName;
    this.flags = p.flags;
    this.endTime = p.endTime;
    this.#acceptorSubkey = p.acceptorSubkey ? tokenKey(p.acceptorSubkey) : undefined;
    this.#otherKey = tokenKey(p.initiatorSubkey ?? p.sessionKey);
    this.#send = this.#acceptorSubkey ?? this.#otherKey;
    this.#sendFlags =
      (p.role === 'acceptor' ? TOKEN_FLAG.SENT_BY_ACCEPTOR : 0) | (this.#acceptorSubkey ? TOKEN_FLAG.ACCEPTOR_SUBKEY : 0);
    this.#sendSeq = BigInt(p.sendSeq);
    this.#window = new SequenceWindow(BigInt(p.recvSeq), {
      sequence: (p.flags & GSS_FLAGS.SEQUENCE) !== 0,
      replay: (p.flags & GSS_FLAGS.REPLAY) !== 0,
    });
  }

  /** The encryption type of the key per-message tokens are protected with. */
  get etype(): number {
    return this.#send.profile.etype;
  }

  /** GSS_Wrap: integrity always, confidentiality when `conf`. */
  wrap(data: Uint8Array, conf: boolean): Buffer {
    if (conf && !(this.flags & GSS_FLAGS.CONF)) {
      throw new KerberosError('GSS_CONTEXT', 'Confidentiality was not negotiated for this GSS context', { role: this.role });
    }
    return makeWrapToken(this.#send, this.#sendFlags, this.#nextSeq(), data, { conf });
  }

  /** GSS_Unwrap: verifies (and decrypts) a peer Wrap token and checks its sequence number. */
  unwrap(token: Uint8Array): Unwrapped {
    const key = this.#receiveKey(token);
    const r = openWrapToken(key, token);
    this.#window.check(r.header.seq);
    return { data: r.plaintext, conf: r.conf };
  }

  /** GSS_GetMIC over `message`. */
  getMic(message: Uint8Array): Buffer {
    return makeMicToken(this.#send, this.#sendFlags, this.#nextSeq(), message);
  }

  /** GSS_VerifyMIC: throws GSS_BAD_MIC / GSS_SEQUENCE. */
  verifyMic(message: Uint8Array, token: Uint8Array): void {
    const key = this.#receiveKey(token);
    const hdr = verifyMicToken(key, token, message);
    this.#window.check(hdr.seq);
  }

  /** GSS_Wrap_size_limit: the largest plaintext whose Wrap token fits `maxTokenSize`. */
  wrapSizeLimit(conf: boolean, maxTokenSize: number): number {
    return wrapSizeLimit(this.#send.profile, conf, maxTokenSize);
  }

  #nextSeq(): bigint {
    const s = this.#sendSeq;
    this.#sendSeq = (s + 1n) & ((1n << 64n) - 1n);
    return s;
  }

  /** The key a received token is protected with, after checking its direction flag. */
  #receiveKey(token: Uint8Array): TokenKey {
    const hdr = parseTokenHeader(token);
    const fromAcceptor = (hdr.flags & TOKEN_FLAG.SENT_BY_ACCEPTOR) !== 0;
    if (fromAcceptor !== (this.role === 'initiator')) {
      throw new KerberosError(
        'GSS_DEFECTIVE_TOKEN',
        `GSS token was sent by the ${fromAcceptor ? 'acceptor' : 'initiator'}, but this side is the ${this.role}: ` +
          'a reflected token, or both ends think they are the same role',
        { role: this.role },
      );
    }
    if (hdr.flags & TOKEN_FLAG.ACCEPTOR_SUBKEY) {
      if (!this.#acceptorSubkey) {
        throw new KerberosError('GSS_DEFECTIVE_TOKEN', 'GSS token claims an acceptor subkey, but the acceptor sent none in its AP-REP', {
          role: this.role,
        });
      }
      return this.#acceptorSubkey;
    }
    return this.#otherKey;
  }
}

function tokenKey(k: EncryptionKey): TokenKey {
  const profile: EncryptionProfile = getProfile(k.etype);
  return { profile, key: k.value };
}
