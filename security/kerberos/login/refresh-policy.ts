/**
 * When a login refreshes its credentials, as the JDK's Krb5LoginModule/Hadoop's
 * UserGroupInformation do: at a fixed fraction (default 80%) of a ticket's life from its start
 * time, never more often than a minimum interval (Hadoop's
 * hadoop.kerberos.min.seconds.before.relogin, 60 s by default), and a ticket counts as usable only
 * while that refresh point has not passed. Pure functions of a Credential and a time.
 */
import type { Credential } from '../types.ts';

export interface RefreshPolicy {
  /** Fraction of the ticket life after which to refresh, 0 < f < 1 (default 0.8). */
  readonly fraction: number;
  /** Minimum delay between two refreshes, ms (default 60 s; tests with short tickets lower it). */
  readonly minIntervalMs: number;
  /** Delay before retrying a failed refresh, ms (default 10 s). */
  readonly retryMs: number;
}

export const DEFAULT_REFRESH_POLICY: RefreshPolicy = Object.freeze({ fraction: 0.8, minIntervalMs: 60_000, retryMs: 10_000 });

/** The time (ms) at which `cred` should be refreshed. */
export function refreshAt(cred: Pick<Credential, 'startTime' | 'endTime'>, policy: RefreshPolicy = DEFAULT_REFRESH_POLICY): number {
  const life = Math.max(0, cred.endTime - cred.startTime);
  return cred.startTime + Math.floor(life * policy.fraction);
}

/** Delay (ms, >= 0) until the refresh of `cred`, given the last refresh time. */
export function refreshDelay(cred: Pick<Credential, 'startTime' | 'endTime'>, now: number, lastRefresh: number, policy: RefreshPolicy = DEFAULT_REFRESH_POLICY): number {
  const earliest = lastRefresh + policy.minIntervalMs;
  return Math.max(0, Math.max(refreshAt(cred, policy), earliest) - now);
}

/** True while `cred` is still fresh: started, and before its refresh point. */
export function isFresh(cred: Pick<Credential, 'startTime' | 'endTime'>, now: number, policy: RefreshPolicy = DEFAULT_REFRESH_POLICY): boolean {
  return now < refreshAt(cred, policy) && now < cred.endTime;
}

/** True while `cred` can still be used at all. */
export const isValid = (cred: Pick<Credential, 'endTime'>, now: number): boolean => now < cred.endTime;
