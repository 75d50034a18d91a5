/**
 * The one interface every token identifier codec implements (hadoop-common
 * security/token/TokenIdentifier.java). The decoder of each token kind is in ./identifier-codecs.ts. Identifiers always keep the exact bytes they were decoded from (`bytes` =
 * `getBytes()`): passwords are HMACs over these bytes and are never recomputed over a
 * re-serialization (Token.getPassword is never recomputed). `trackingId` is the lowercase hex MD5 of those bytes.
 */
import { createHash } from 'node:crypto';

/** The user a token authenticates as (`TokenIdentifier.getUser()`). */
export interface TokenUser {
  /** Full user name, e.g. `alice@EXAMPLE.COM`. */
  readonly userName: string;
  /** The real (authenticating) user when this is a proxy-user token. */
  readonly realUser?: string;
}

export interface TokenIdentifier {
  /** The token kind (`Text` value written in the Token, not in the identifier). */
  readonly kind: string;
  /** The exact serialized identifier bytes. */
  readonly bytes: Uint8Array;
  /** The user the token stands for, or undefined when the identifier names none. */
  user(): TokenUser | undefined;
  /** Hadoop's `toString()` of the identifier (no secrets). */
  toString(): string;
}

/** `TokenIdentifier.getTrackingId()`: lowercase hex MD5 of the identifier bytes. */
export function trackingId(identifierBytes: Uint8Array): string {
  return createHash('md5').update(identifierBytes).digest('hex');
}
