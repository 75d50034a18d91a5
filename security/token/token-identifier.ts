/**
 * The one interface every token identifier codec implements (hadoop-common
 * security/token/TokenIdentifier.java; hadoop-wire.md §1.6), plus a registry from token kind to
 * decoder. Identifiers always keep the exact bytes they were decoded from (`bytes` =
 * `getBytes()`): passwords are HMACs over these bytes and are never recomputed over a
 * re-serialization (§13.3). `trackingId` is the lowercase hex MD5 of those bytes.
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

export interface TokenIdentifierCodec {
  /** Kinds this codec decodes. */
  readonly kinds: readonly string[];
  decode(bytes: Uint8Array, kind: string): TokenIdentifier;
}

const codecs = new Map<string, TokenIdentifierCodec>();

/** Registers a codec for its kinds (later registrations replace earlier ones). */
export function registerIdentifierCodec(codec: TokenIdentifierCodec): void {
  for (const kind of codec.kinds) codecs.set(kind, codec);
}

/** The codec registered for a kind, if any. */
export function identifierCodecFor(kind: string): TokenIdentifierCodec | undefined {
  return codecs.get(kind);
}

/** `TokenIdentifier.getTrackingId()`: lowercase hex MD5 of the identifier bytes. */
export function trackingId(identifierBytes: Uint8Array): string {
  return createHash('md5').update(identifierBytes).digest('hex');
}
