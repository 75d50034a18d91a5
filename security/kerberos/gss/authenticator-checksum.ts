/**
 * The GSS checksum carried in the AP-REQ Authenticator's cksum field (RFC 4121 section 4.1.1,
 * checksum type 0x8003): Lgth (4 bytes little-endian, always 16), Bnd (16 bytes: MD5 of the channel
 * bindings, all zero without them), Flags (4 bytes little-endian: the GSS context flags the
 * initiator requests), then, only when the delegation flag is set, DlgOpt (2 bytes LE, 1), Dlgth
 * (2 bytes LE) and Deleg (a KRB-CRED). Extension data after that is ignored (section 4.1.1.2).
 */
import { KerberosError } from '../../../lib/errors/index.ts';

/** Checksum type number of the GSS authenticator checksum (RFC 4121 section 4.1.1). */
export const GSS_CHECKSUM_TYPE = 0x8003;

/** RFC 4121 section 4.1.1.1 context flags (the values of RFC 2744's GSS_C_*_FLAG). */
export const GSS_FLAGS = {
  DELEG: 1,
  MUTUAL: 2,
  REPLAY: 4,
  SEQUENCE: 8,
  CONF: 16,
  INTEG: 32,
} as const;

export interface AuthenticatorChecksum {
  /** GSS_FLAGS bits requested by the initiator. */
  readonly flags: number;
  /** The 16-byte Bnd field (zero when no channel bindings are used). */
  readonly bindings: Buffer;
  /** The delegated KRB-CRED when the DELEG flag is set and the initiator included one. */
  readonly delegation?: Buffer;
}

const NO_BINDINGS = Buffer.alloc(16);

/** Builds the 0x8003 checksum value (without delegation: we never forward tickets). */
export function encodeAuthenticatorChecksum(flags: number, bindings: Uint8Array = NO_BINDINGS): Buffer {
  if (bindings.length !== 16) throw new RangeError('channel-binding hash must be 16 bytes');
  if (flags & GSS_FLAGS.DELEG) throw new RangeError('credential delegation is not supported');
  const out = Buffer.alloc(24);
  out.writeUInt32LE(16, 0);
  Buffer.from(bindings).copy(out, 4);
  out.writeUInt32LE(flags >>> 0, 20);
  return out;
}

function defective(reason: string): KerberosError {
  return new KerberosError('GSS_DEFECTIVE_TOKEN', `Bad GSS authenticator checksum (type 0x8003): ${reason}.`, {
    reason,
  });
}

/** Parses the 0x8003 checksum value; rejects short values and a Lgth other than 16. */
export function decodeAuthenticatorChecksum(value: Uint8Array): AuthenticatorChecksum {
  const buf = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  if (buf.length < 24) throw defective(`${buf.length} bytes, at least 24 expected`);
  const lgth = buf.readUInt32LE(0);
  if (lgth !== 16) throw defective(`Lgth is ${lgth}, expected 16`);
  const bindings = Buffer.from(buf.subarray(4, 20));
  const flags = buf.readUInt32LE(20);
  if ((flags & GSS_FLAGS.DELEG) && buf.length >= 28) {
    const dlgOpt = buf.readUInt16LE(24);
    const dlgth = buf.readUInt16LE(26);
    if (dlgOpt !== 1 || buf.length < 28 + dlgth) throw defective('malformed delegation field');
    return { flags, bindings, delegation: Buffer.from(buf.subarray(28, 28 + dlgth)) };
  }
  return { flags, bindings };
}

/** True when the Bnd field is all zero (no channel bindings asserted). */
export function hasNoBindings(c: AuthenticatorChecksum): boolean {
  return c.bindings.equals(NO_BINDINGS);
}
