/**
 * RFC 4121 section 4.2 per-message tokens for the Kerberos V5 GSS mechanism: MIC (TOK_ID 04 04)
 * and Wrap (TOK_ID 05 04), with and without confidentiality. Pure codecs over an
 * EncryptionProfile: the caller (the security context) chooses the key (section 2), the sequence
 * number and the direction. Header (16 bytes): TOK_ID, Flags (0x01 SentByAcceptor, 0x02 Sealed,
 * 0x04 AcceptorSubkey), filler 0xFF, then for Wrap EC (2) and RRC (2), for MIC 4 more 0xFF, then
 * SND_SEQ (8, big-endian). Key usages are section 2's KG-USAGE-* (22-25, in crypto/key-usage.ts). Any RRC is accepted on
 * input (section 4.2.5: MIT in DCE style and Windows rotate); we always send RRC 0.
 */
import { KerberosError } from '../../../lib/errors/index.ts';
import { KEY_USAGE } from '../crypto/key-usage.ts';
import type { EncryptionProfile } from '../crypto/profile.ts';

/** RFC 4121 section 4.2.1 token flags. */
export const TOKEN_FLAG = {
  SENT_BY_ACCEPTOR: 0x01,
  SEALED: 0x02,
  ACCEPTOR_SUBKEY: 0x04,
} as const;


export const MIC_TOKEN_ID = 0x0404;
export const WRAP_TOKEN_ID = 0x0504;
const HEADER_LENGTH = 16;
const SEQ_MASK = (1n << 64n) - 1n;

/** The key a token is protected with, and what the sender says about it. */
export interface TokenKey {
  readonly profile: EncryptionProfile;
  readonly key: Uint8Array;
}

export interface TokenHeader {
  readonly tokenId: number;
  readonly flags: number;
  /** Wrap only: extra count (filler length with confidentiality, checksum length without). */
  readonly ec: number;
  /** Wrap only: right rotation count. */
  readonly rrc: number;
  readonly seq: bigint;
}

function defective(reason: string): KerberosError {
  return new KerberosError('GSS_DEFECTIVE_TOKEN', `Malformed RFC 4121 per-message token: ${reason}.`, { reason });
}

function badMic(kind: string, cause?: unknown): KerberosError {
  return new KerberosError(
    'GSS_BAD_MIC',
    `${kind} token failed its integrity check: it was altered in transit, or the peers do not share ` +
      'the context key (a token from another context or connection).',
    { token: kind },
    cause === undefined ? undefined : { cause },
  );
}

function header(tokenId: number, flags: number, ec: number, rrc: number, seq: bigint): Buffer {
  const h = Buffer.alloc(HEADER_LENGTH, 0xff);
  h.writeUInt16BE(tokenId, 0);
  h[2] = flags;
  if (tokenId === WRAP_TOKEN_ID) {
    h.writeUInt16BE(ec, 4);
    h.writeUInt16BE(rrc, 6);
  }
  h.writeBigUInt64BE(seq & SEQ_MASK, 8);
  return h;
}

/** Reads the 16-byte header of a MIC or Wrap token and checks its fixed filler bytes. */
export function parseTokenHeader(token: Uint8Array): TokenHeader {
  const buf = Buffer.from(token.buffer, token.byteOffset, token.byteLength);
  if (buf.length < HEADER_LENGTH) throw defective(`${buf.length} bytes, shorter than the 16-byte header`);
  const tokenId = buf.readUInt16BE(0);
  if (tokenId !== MIC_TOKEN_ID && tokenId !== WRAP_TOKEN_ID) {
    throw defective(`TOK_ID 0x${tokenId.toString(16).padStart(4, '0')} is neither MIC (0404) nor Wrap (0504)`);
  }
  const flags = buf[2]!;
  if (flags & ~0x07) throw defective(`unknown flag bits 0x${flags.toString(16)}`);
  if (buf[3] !== 0xff) throw defective('filler byte is not 0xFF');
  if (tokenId === MIC_TOKEN_ID) {
    if (buf.readUInt32BE(4) !== 0xffffffff) throw defective('MIC filler is not 0xFF');
    return { tokenId, flags, ec: 0, rrc: 0, seq: buf.readBigUInt64BE(8) };
  }
  return { tokenId, flags, ec: buf.readUInt16BE(4), rrc: buf.readUInt16BE(6), seq: buf.readBigUInt64BE(8) };
}

/** Key usage for a token of `kind` sent by the acceptor or by the initiator. */
export function usageFor(kind: 'seal' | 'sign', sentByAcceptor: boolean): number {
  if (kind === 'seal') return sentByAcceptor ? KEY_USAGE.GSS_ACCEPTOR_SEAL : KEY_USAGE.GSS_INITIATOR_SEAL;
  return sentByAcceptor ? KEY_USAGE.GSS_ACCEPTOR_SIGN : KEY_USAGE.GSS_INITIATOR_SIGN;
}

/** GSS_GetMIC (section 4.2.6.1): header | checksum(message | header), usage *-SIGN. */
export function makeMicToken(k: TokenKey, flags: number, seq: bigint, message: Uint8Array): Buffer {
  const h = header(MIC_TOKEN_ID, flags & ~TOKEN_FLAG.SEALED, 0, 0, seq);
  const usage = usageFor('sign', (flags & TOKEN_FLAG.SENT_BY_ACCEPTOR) !== 0);
  const mac = k.profile.checksum(k.key, usage, Buffer.concat([message, h]));
  return Buffer.concat([h, mac]);
}

/** GSS_VerifyMIC: throws GSS_BAD_MIC when the checksum does not verify; returns the header. */
export function verifyMicToken(k: TokenKey, token: Uint8Array, message: Uint8Array): TokenHeader {
  const hdr = parseTokenHeader(token);
  if (hdr.tokenId !== MIC_TOKEN_ID) throw defective('expected a MIC token (04 04)');
  const buf = Buffer.from(token);
  const mac = buf.subarray(HEADER_LENGTH);
  if (mac.length !== k.profile.checksumLength) throw badMic('MIC');
  const usage = usageFor('sign', (hdr.flags & TOKEN_FLAG.SENT_BY_ACCEPTOR) !== 0);
  const ok = k.profile.verifyChecksum(k.key, usage, Buffer.concat([message, buf.subarray(0, HEADER_LENGTH)]), mac);
  if (!ok) throw badMic('MIC');
  return hdr;
}

export interface WrapOptions {
  /** Encrypt (Sealed) or only checksum the payload. */
  readonly conf: boolean;
  /** Confounder for test vectors; random otherwise. */
  readonly confounder?: Uint8Array;
}

/** GSS_Wrap (section 4.2.4), usage *-SEAL, EC 0 with confidentiality, RRC 0. */
export function makeWrapToken(k: TokenKey, flags: number, seq: bigint, plaintext: Uint8Array, opts: WrapOptions): Buffer {
  const sentByAcceptor = (flags & TOKEN_FLAG.SENT_BY_ACCEPTOR) !== 0;
  const usage = usageFor('seal', sentByAcceptor);
  if (opts.conf) {
    // header | E(plaintext | header), built in one buffer without concatenating either.
    const h = header(WRAP_TOKEN_ID, flags | TOKEN_FLAG.SEALED, 0, 0, seq);
    return k.profile.encryptParts(k.key, usage, [plaintext, h], h, opts.confounder);
  }
  const f = flags & ~TOKEN_FLAG.SEALED;
  const mac = k.profile.checksum(k.key, usage, Buffer.concat([plaintext, header(WRAP_TOKEN_ID, f, 0, 0, seq)]));
  return Buffer.concat([header(WRAP_TOKEN_ID, f, mac.length, 0, seq), plaintext, mac]);
}

/** Undoes a right rotation by `rrc` of the bytes after the header (section 4.2.5). */
function unrotate(data: Buffer, rrc: number): Buffer {
  if (data.length === 0) return data;
  const r = rrc % data.length;
  if (r === 0) return data;
  return Buffer.concat([data.subarray(r), data.subarray(0, r)]);
}

export interface UnwrapResult {
  readonly plaintext: Buffer;
  readonly header: TokenHeader;
  readonly conf: boolean;
}

/** GSS_Unwrap: verifies (and decrypts) a Wrap token; throws GSS_BAD_MIC on any tampering. */
export function openWrapToken(k: TokenKey, token: Uint8Array): UnwrapResult {
  const hdr = parseTokenHeader(token);
  if (hdr.tokenId !== WRAP_TOKEN_ID) throw defective('expected a Wrap token (05 04)');
  const buf = Buffer.from(token.buffer, token.byteOffset, token.byteLength); // a view: the token is only read
  const outer = buf.subarray(0, HEADER_LENGTH);
  const body = unrotate(buf.subarray(HEADER_LENGTH), hdr.rrc);
  const usage = usageFor('seal', (hdr.flags & TOKEN_FLAG.SENT_BY_ACCEPTOR) !== 0);
  if (hdr.flags & TOKEN_FLAG.SEALED) {
    let clear: Buffer;
    try {
      clear = k.profile.decrypt(k.key, usage, body);
    } catch (err) {
      throw badMic('Wrap', err);
    }
    if (clear.length < HEADER_LENGTH + hdr.ec) throw badMic('Wrap');
    // The encrypted header copy must equal the outer header, except RRC (bytes 6-7), which the
    // sender sets to 0 inside (section 4.2.4) whatever rotation it applied outside.
    const inner = clear.length - HEADER_LENGTH;
    for (let i = 0; i < HEADER_LENGTH; i++) {
      if (i !== 6 && i !== 7 && clear[inner + i] !== outer[i]) throw badMic('Wrap');
    }
    if (clear[inner + 6] !== 0 || clear[inner + 7] !== 0) throw badMic('Wrap');
    return { plaintext: clear.subarray(0, clear.length - HEADER_LENGTH - hdr.ec), header: hdr, conf: true };
  }
  const macLen = k.profile.checksumLength;
  if (hdr.ec !== macLen || body.length < macLen) throw badMic('Wrap');
  const plaintext = body.subarray(0, body.length - macLen);
  const mac = body.subarray(body.length - macLen);
  const signed = Buffer.from(outer);
  signed.writeUInt16BE(0, 4);
  signed.writeUInt16BE(0, 6);
  if (!k.profile.verifyChecksum(k.key, usage, Buffer.concat([plaintext, signed]), mac)) throw badMic('Wrap');
  return { plaintext: Buffer.from(plaintext), header: hdr, conf: false }; // a copy: `plaintext` is a view of the caller's token
}

/** Largest plaintext whose Wrap token fits in `maxTokenSize` bytes (GSS_Wrap_size_limit). */
export function wrapSizeLimit(profile: EncryptionProfile, conf: boolean, maxTokenSize: number): number {
  const overhead = conf
    ? HEADER_LENGTH + profile.confounderLength + HEADER_LENGTH + profile.checksumLength
    : HEADER_LENGTH + profile.checksumLength;
  return Math.max(0, maxTokenSize - overhead);
}
