/**
 * The KDC client: AS exchange (initial tickets from a keytab or password), TGS exchange (service
 * tickets, cross-realm), renewal, the UDP/TCP transport with failover, and KRB-ERROR mapping.
 */
export { requestInitialTicket, tgsPrincipal, defaultSalt, type AsRequestOptions, type AsResult, type ClientSecret } from './as-exchange.ts';
export { requestServiceTicket, crossRealmTgt, renewTicket, tgtTargetRealm, type TgsRequestOptions, type TgsResult } from './tgs-exchange.ts';
export { ConfiguredTransport, sendTcp, sendUdp, MAX_TCP_REPLY, type KdcTransport, type KdcReply } from './transport.ts';
export { kdcWaitingChannel, type KdcWaitingEvent } from './events.ts';
export { kdcErrorToException, type KdcErrorContext } from './kdc-errors.ts';
