/**
 * The GSS-API initial-context-token framing (RFC 2743 section 3.1) as the Kerberos V5 mechanism
 * uses it (RFC 1964 section 1.1, kept by RFC 4121 section 4.1): [APPLICATION 0] (0x60), a DER
 * length, the mechanism OID 1.2.840.113554.1.2.2 as a DER OBJECT IDENTIFIER, a 2-byte TOK_ID
 * (01 00 AP-REQ, 02 00 AP-REP, 03 00 KRB-ERROR), then the DER Kerberos message. Every context
 * establishment token of the mechanism (both directions) carries this frame; per-message tokens
 * (RFC 4121 section 4.2) do not.
 */
import { KerberosError } from '../../../lib/errors/index.ts';

/** DER encoding (tag, length, value) of the Kerberos V5 mechanism OID 1.2.840.113554.1.2.2. */
export const KRB5_MECH_OID_DER = Buffer.from([0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x02]);
/** The same mechanism under Microsoft's mistaken OID 1.2.840.48018.1.2.2; accepted on input only. */
export const MS_KRB5_MECH_OID_DER = Buffer.from([0x06, 0x09, 0x2a, 0x86, 0x48, 0x82, 0xf7, 0x12, 0x01, 0x02, 0x02]);
export const KRB5_MECH_OID = '1.2.840.113554.1.2.2';

/** RFC 1964 section 1.1 / RFC 4121 section 4.1 context-establishment TOK_ID values. */
export const TOK_ID = {
  AP_REQ: 0x0100,
  AP_REP: 0x0200,
  KRB_ERROR: 0x0300,
} as const;

export interface InitialToken {
  /** TOK_ID, e.g. TOK_ID.AP_REQ. */
  readonly tokenId: number;
  /** The DER Kerberos message after the TOK_ID. */
  readonly body: Buffer;
}

/** DER definite length (X.690 8.1.3). */
function derLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** Frames a Kerberos message as an RFC 2743 initial context token. */
export function encodeInitialToken(token: InitialToken): Buffer {
  const tokId = Buffer.from([(token.tokenId >> 8) & 0xff, token.tokenId & 0xff]);
  const inner = Buffer.concat([KRB5_MECH_OID_DER, tokId, token.body]);
  return Buffer.concat([Buffer.from([0x60]), derLength(inner.length), inner]);
}

function defective(reason: string): KerberosError {
  return new KerberosError(
    'GSS_DEFECTIVE_TOKEN',
    `Malformed Kerberos GSS-API context token: ${reason}. The peer did not send an RFC 1964/4121 ` +
      'Kerberos token (check that both sides use the Kerberos V5 mechanism, not SPNEGO or NTLM).',
    { reason },
  );
}

/** Parses an RFC 2743 initial context token and checks it names the Kerberos V5 mechanism. */
export function decodeInitialToken(bytes: Uint8Array): InitialToken {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < 2 || buf[0] !== 0x60) throw defective('missing the [APPLICATION 0] (0x60) frame');
  let offset = 1;
  let length = buf[offset++]!;
  if (length & 0x80) {
    const n = length & 0x7f;
    if (n === 0 || n > 4 || offset + n > buf.length) throw defective('bad DER length');
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + buf[offset++]!;
  }
  if (offset + length !== buf.length) {
    throw defective(`frame length ${length} does not match the ${buf.length - offset} bytes present`);
  }
  const oid = buf.subarray(offset, offset + KRB5_MECH_OID_DER.length);
  if (!oid.equals(KRB5_MECH_OID_DER) && !oid.equals(MS_KRB5_MECH_OID_DER)) {
    throw defective(`mechanism is not Kerberos V5 (${KRB5_MECH_OID})`);
  }
  offset += KRB5_MECH_OID_DER.length;
  if (offset + 2 > buf.length) throw defective('truncated before TOK_ID');
  const tokenId = buf.readUInt16BE(offset);
  return { tokenId, body: buf.subarray(offset + 2) };
}
