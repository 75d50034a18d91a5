/**
 * When two hsec peers use fast privacy (docs/fast-privacy.md): the client offers its suites in the
 * INITIATE message (RpcSaslProto field 1000, which stock Hadoop ignores) when it is enabled and its
 * QOP list allows auth-conf; the server accepts one in SUCCESS when it is enabled too, the client
 * offered it and the negotiated QOP is auth-conf; the client then checks that what the server
 * accepted is something it offered, for the QOP it negotiated. A stripped offer or acceptance
 * leaves both sides on standard auth-conf or fails the connection; nothing else is possible. Pure
 * functions: the SASL state machines (sasl-rpc-client.ts, sasl-rpc-server.ts) call them.
 */
import { SaslError } from '../../../../lib/errors/index.ts';
import type { Qop } from '../../mechanism.ts';

/** The one suite: a TLS 1.2 channel with a pre-shared key and AES-256-GCM records (protected-channel.ts). */
export const FAST_PRIVACY_SUITE = 'TLS1.2-PSK-AES256-GCM-SHA384';

export interface FastPrivacyField {
  suites: string[];
}

/** The client's offer for INITIATE, or undefined when it offers nothing. */
export function fastPrivacyOffer(enabled: boolean, qops: readonly Qop[]): FastPrivacyField | undefined {
  return enabled && qops.includes('auth-conf') ? { suites: [FAST_PRIVACY_SUITE] } : undefined;
}

/** The server's acceptance for SUCCESS, or undefined to stay on standard wrapping. */
export function fastPrivacyAcceptance(enabled: boolean, offer: FastPrivacyField | undefined, negotiatedQop: Qop): FastPrivacyField | undefined {
  if (!enabled || negotiatedQop !== 'auth-conf' || !offer?.suites.includes(FAST_PRIVACY_SUITE)) return undefined;
  return { suites: [FAST_PRIVACY_SUITE] };
}

/**
 * The client's check of SUCCESS: true to switch, false to stay standard; a server that accepts what
 * was not offered, or for another QOP, is an error (the negotiation was altered or the server is broken).
 */
export function checkFastPrivacyAcceptance(offered: FastPrivacyField | undefined, accepted: FastPrivacyField | undefined, negotiatedQop: Qop): boolean {
  if (accepted === undefined) return false;
  const details = { qop: negotiatedQop, offered: offered?.suites ?? [], accepted: accepted.suites };
  if (offered === undefined) {
    throw new SaslError('SASL_STATE', 'The server accepted hsec fast privacy, which this client did not offer (hsec.rpc.privacy.fast is false here, or the negotiation was altered)', details);
  }
  if (negotiatedQop !== 'auth-conf') {
    throw new SaslError('SASL_STATE', `The server accepted hsec fast privacy although the negotiated QOP is ${negotiatedQop}; it is for auth-conf only`, details);
  }
  if (accepted.suites.length !== 1 || !offered.suites.includes(accepted.suites[0]!)) {
    throw new SaslError('SASL_STATE', `The server accepted hsec fast privacy suites [${accepted.suites.join(', ')}], which are not exactly one of the offered [${offered.suites.join(', ')}]`, details);
  }
  return true;
}
