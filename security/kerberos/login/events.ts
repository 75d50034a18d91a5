/**
 * diagnostics_channel events of Kerberos logins (the undici way: observers subscribe, nothing is
 * printed): `hsec:kerberos:login` when a login first obtains its TGT, `hsec:kerberos:relogin`
 * when it re-acquires, renews or re-reads it (or fails to). Payloads carry principals, times and
 * KDC addresses, never keys.
 */
import { channel } from 'node:diagnostics_channel';

export const loginChannel = channel('hsec:kerberos:login');
export const reloginChannel = channel('hsec:kerberos:relogin');

export type LoginSource = 'keytab' | 'password' | 'ccache';

export interface LoginEvent {
  readonly principal: string;
  readonly source: LoginSource;
  /** TGT end time, ms since the epoch. */
  readonly expiresAt: number;
  readonly kdc?: string;
}

export interface ReloginEvent extends Partial<LoginEvent> {
  readonly principal: string;
  readonly source: LoginSource;
  /** 'scheduled' (the 80% timer), 'on-demand' (expired when used), 'ccache-changed', 'renewed', 'explicit'. */
  readonly reason: string;
  readonly ok: boolean;
  readonly error?: { readonly code: string; readonly message: string };
}

export function publishLogin(e: LoginEvent): void {
  if (loginChannel.hasSubscribers) loginChannel.publish(e);
}

export function publishRelogin(e: ReloginEvent): void {
  if (reloginChannel.hasSubscribers) reloginChannel.publish(e);
}
