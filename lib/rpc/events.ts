/**
 * IPC diagnostics events (diagnostics_channel, never prints; docs/architecture.md):
 * `hsec:rpc:connection` when a server connection is established (who, how, which QOP and the rule that
 * chose it, which protocol)
 * and `hsec:rpc:connection-failed` when one is dropped for bad input or failed authentication
 * (the typed error code). Audit logs subscribe here; payloads never hold secrets or token bytes.
 */
import { channel } from 'node:diagnostics_channel';

export const rpcConnectionChannel = channel('hsec:rpc:connection');
export const rpcConnectionFailedChannel = channel('hsec:rpc:connection-failed');

export interface RpcConnectionEvent {
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly user: string;
  readonly realUser?: string | undefined;
  readonly authMethod: string;
  readonly qop?: string | undefined;
  /** The rule that chose the QOPs offered (ServerAuthResult.qopRule). */
  readonly qopRule?: string | undefined;
  /** True when hsec's fast privacy channel replaced SASL wrapping (docs/fast-privacy.md). */
  readonly fastPrivacy?: boolean | undefined;
  readonly protocol?: string | undefined;
}

export interface RpcConnectionFailedEvent {
  readonly remoteAddress: string;
  readonly remotePort: number;
  /** Connection state when it failed (PREAMBLE, SASL, CONTEXT, READY). */
  readonly state: string;
  readonly code: string | undefined;
  readonly message: string;
}

export function publishConnection(e: RpcConnectionEvent): void {
  if (rpcConnectionChannel.hasSubscribers) rpcConnectionChannel.publish(e);
}

export function publishConnectionFailed(e: RpcConnectionFailedEvent): void {
  if (rpcConnectionFailedChannel.hasSubscribers) rpcConnectionFailedChannel.publish(e);
}
