/**
 * SASL diagnostics events (diagnostics_channel, never prints; docs/architecture.md):
 * `hsec:sasl:negotiated` when an exchange completes and `hsec:auth:failure` when one fails
 * authentication. Payloads name mechanism, side, QOP and user; never a password or key.
 */
import { channel } from 'node:diagnostics_channel';
import type { Qop } from './mechanism.ts';

export const saslNegotiatedChannel = channel('hsec:sasl:negotiated');
export const authFailureChannel = channel('hsec:auth:failure');

export interface SaslNegotiatedEvent {
  readonly mechanism: string;
  readonly side: 'client' | 'server';
  readonly qop: Qop;
  readonly cipher?: string | undefined;
  /** The authentication id (for DIGEST-MD5 tokens: the Base64 token identifier). */
  readonly user: string;
}

export interface AuthFailureEvent {
  readonly mechanism: string;
  readonly side: 'client' | 'server';
  readonly user: string | undefined;
  readonly code: string;
  /** What lay under the failure when known: the code of the token or key check that refused (TOKEN_EXPIRED...). */
  readonly reason?: string | undefined;
}

export function publishNegotiated(event: SaslNegotiatedEvent): void {
  if (saslNegotiatedChannel.hasSubscribers) saslNegotiatedChannel.publish(event);
}

export function publishAuthFailure(event: AuthFailureEvent): void {
  if (authFailureChannel.hasSubscribers) authFailureChannel.publish(event);
}
