/**
 * diagnostics_channel events of the KDC client (the undici way: observers subscribe, the library
 * prints nothing). `hsec:kerberos:kdc-waiting` is published once per attempt that has had no
 * reply after a second, so a command line can say what it is waiting for (MIT kinit is silent for
 * the whole kdc_timeout instead).
 */
import { channel } from 'node:diagnostics_channel';

export const kdcWaitingChannel = channel('hsec:kerberos:kdc-waiting');

export interface KdcWaitingEvent {
  readonly realm: string;
  /** `host:port` as krb5.conf names the KDC. */
  readonly kdc: string;
  /** The numeric address the host resolved to. */
  readonly address: string;
  readonly transport: 'udp' | 'tcp';
  /** How long this attempt has waited so far, ms. */
  readonly waitedMs: number;
  /** How long it will wait in all (kdc_timeout), ms. */
  readonly timeoutMs: number;
}

export function publishKdcWaiting(e: KdcWaitingEvent): void {
  if (kdcWaitingChannel.hasSubscribers) kdcWaitingChannel.publish(e);
}
