/**
 * Which identifier format each token kind carries, as one explicit table (Hadoop finds them through
 * the TokenIdentifier ServiceLoader): the delegation-token kinds (AbstractDelegationTokenIdentifier)
 * and HDFS block tokens (BlockTokenIdentifier). A kind not listed has an opaque identifier.
 */
import { BlockTokenIdentifier, HDFS_BLOCK_TOKEN_KIND } from './block-token-identifier.ts';
import { DELEGATION_TOKEN_KINDS, DelegationTokenIdentifier } from './delegation-token-identifier.ts';
import type { TokenIdentifier } from './token-identifier.ts';

type Decode = (bytes: Uint8Array, kind: string) => TokenIdentifier;

const CODECS: ReadonlyMap<string, Decode> = new Map<string, Decode>([
  ...DELEGATION_TOKEN_KINDS.map((kind): [string, Decode] => [kind, (bytes, k) => DelegationTokenIdentifier.decode(bytes, k)]),
  [HDFS_BLOCK_TOKEN_KIND, (bytes) => BlockTokenIdentifier.decode(bytes)],
]);

/** Whether hsec knows the identifier format of `kind`. */
export function hasIdentifierCodec(kind: string): boolean {
  return CODECS.has(kind);
}

/** Decodes an identifier of `kind`; undefined for a kind without a known format. Bad bytes throw InvalidTokenError. */
export function decodeIdentifierOf(kind: string, bytes: Uint8Array): TokenIdentifier | undefined {
  return CODECS.get(kind)?.(bytes, kind);
}
