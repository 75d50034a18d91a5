/**
 * `DelegationKey`, the master key a delegation token's password is computed with (hadoop-common
 * security/token/delegation/DelegationKey.java). Writable: keyId vint,
 * expiryDate vlong ms, key length vint (-1 = no key; read range [-1, 1 MiB]), key bytes.
 * `BlockKey` has the same layout. `toString()` omits the key bytes.
 */
import { DataInput, DataOutput } from '../../../lib/codec/index.ts';

const MAX_KEY_LEN = 1024 * 1024;

export class DelegationKey {
  readonly keyId: number;
  /** ms since epoch after which the key may be dropped; mutable as Hadoop's `setExpiryDate`. */
  expiryDate: number;
  /** Raw HMAC key bytes, or null for a key-less placeholder. */
  readonly key: Uint8Array | null;

  constructor(keyId: number, expiryDate: number, key: Uint8Array | null) {
    this.keyId = keyId;
    this.expiryDate = expiryDate;
    this.key = key;
  }

  writeTo(out: DataOutput): DataOutput {
    out.writeVInt(this.keyId).writeVLong(this.expiryDate);
    if (this.key === null) return out.writeVInt(-1);
    return out.writeVBytes(this.key);
  }

  encode(): Uint8Array {
    return this.writeTo(new DataOutput(32)).toBytes();
  }

  static readFrom(input: DataInput): DelegationKey {
    const keyId = input.readVInt();
    const expiryDate = input.readVLong();
    const len = input.readVIntInRange(-1, MAX_KEY_LEN, 'delegation key');
    const key = len === -1 ? null : Uint8Array.from(input.readFully(len, 'delegation key'));
    return new DelegationKey(keyId, expiryDate, key);
  }

  static decode(bytes: Uint8Array): DelegationKey {
    const input = new DataInput(bytes);
    const key = DelegationKey.readFrom(input);
    input.expectEnd('DelegationKey');
    return key;
  }

  toString(): string {
    return `DelegationKey(keyId=${this.keyId}, expiryDate=${this.expiryDate})`;
  }
}
