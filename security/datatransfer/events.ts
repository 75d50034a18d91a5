/**
 * Diagnostics for the data-transfer handshake: `hsec:datatransfer:negotiated`
 * when a side completes it, naming side, handshake, QOP and what protects the data; never a key.
 */
import { channel } from 'node:diagnostics_channel';
import type { Qop } from '../sasl/mechanism.ts';
import type { DataTransferProtection, DataTransferSide } from './protection.ts';

export const dataTransferNegotiatedChannel = channel('hsec:datatransfer:negotiated');

export interface DataTransferNegotiatedEvent {
  readonly side: DataTransferSide;
  readonly handshake: 'general' | 'encrypted';
  readonly qop: Qop;
  readonly protection: DataTransferProtection['kind'];
  /** AES key bits when protection is aes-ctr. */
  readonly keyBits?: number | undefined;
  /** True when the client offered AES/CTR but the DataNode did not take it. */
  readonly cipherFallback: boolean;
  readonly remoteAddress?: string | undefined;
}

export function publishNegotiated(event: DataTransferNegotiatedEvent): void {
  if (dataTransferNegotiatedChannel.hasSubscribers) dataTransferNegotiatedChannel.publish(event);
}
