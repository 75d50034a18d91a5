/**
 * The KCM protocol as MIT's client speaks it to Heimdal kcm and sssd-kcm (MIT src/include/kcm.h,
 * lib/krb5/ccache/cc_kcm.c): pure encoders and a reply decoder, no sockets. On the Unix socket a
 * request is a 4-byte big-endian length, then major version 2, minor version 0, a 16-bit opcode
 * and the parameters; a reply is a 4-byte length, a 4-byte status, then `length` bytes that begin
 * with a second 32-bit status. Names are zero-terminated strings; principals and credentials use
 * the FILE v4 encoding; UUIDs are 16 bytes and UUID lists run to the end of the reply. Statuses
 * are krb5 com_err codes; the ones the client acts on are below.
 */
import { KerberosError } from '../../../../lib/errors/index.ts';

export const KCM_VERSION_MAJOR = 2;
export const KCM_VERSION_MINOR = 0;
export const KCM_UUID_LEN = 16;
/** MIT caps replies at 10 MiB (cc_kcm.c MAX_REPLY_SIZE). */
export const KCM_MAX_REPLY = 10 * 1024 * 1024;
/** Heimdal's fixed socket path, MIT's default (kcm.h DEFAULT_KCM_SOCKET_PATH). */
export const DEFAULT_KCM_SOCKET = '/var/run/.heim_org.h5l.kcm-socket';

/** The opcodes the MIT client uses (kcm.h kcm_opcode). */
export const KCM_OP = {
  GEN_NEW: 3,
  INITIALIZE: 4,
  DESTROY: 5,
  STORE: 6,
  GET_PRINCIPAL: 8,
  GET_CRED_UUID_LIST: 9,
  GET_CRED_BY_UUID: 10,
  GET_CACHE_UUID_LIST: 18,
  GET_CACHE_BY_UUID: 19,
  GET_DEFAULT_CACHE: 20,
  SET_DEFAULT_CACHE: 21,
  GET_KDC_OFFSET: 22,
  SET_KDC_OFFSET: 23,
  /** MIT extensions (sssd implements them, Heimdal answers "unsupported"). */
  GET_CRED_LIST: 13001,
  REPLACE: 13002,
} as const;

/** krb5 error table codes a KCM daemon answers with (MIT krb5_err.et; Heimdal shares the numbers). */
export const KRB5_CC_END = -1765328242;
export const KRB5_CC_IO = -1765328191;
export const KRB5_FCC_NOFILE = -1765328189;
export const KRB5_FCC_INTERNAL = -1765328188;
export const KRB5_CC_NOSUPP = -1765328137;

const CODE_NAMES: Readonly<Record<number, string>> = {
  [KRB5_CC_END]: 'KRB5_CC_END, end of credential cache reached',
  [KRB5_CC_IO]: 'KRB5_CC_IO, credentials cache I/O operation failed',
  [KRB5_FCC_NOFILE]: 'KRB5_FCC_NOFILE, no credentials cache found',
  [KRB5_FCC_INTERNAL]: 'KRB5_FCC_INTERNAL, internal credentials cache error',
  [KRB5_CC_NOSUPP]: 'KRB5_CC_NOSUPP, ccache function not supported',
  [-1765328243]: 'KRB5_CC_NOTFOUND, matching credential not found',
  [-1765328185]: 'KRB5_CC_FORMAT, bad format in credentials cache',
  [-1765328254]: 'KRB5_CC_BADNAME, credential cache name malformed',
  [13]: 'EACCES, permission denied',
  [22]: 'EINVAL, invalid argument',
};

export const kcmCodeName = (code: number): string => CODE_NAMES[code] ?? `error ${code}`;

/** Heimdal answers FCC_INTERNAL to opcodes it lacks; sssd CC_NOSUPP or CC_IO (cc_kcm.c unsupported_op_error). */
export const isUnsupported = (code: number): boolean => code === KRB5_FCC_INTERNAL || code === KRB5_CC_IO || code === KRB5_CC_NOSUPP;

/** A zero-terminated name. */
export const kcmName = (name: string): Buffer => Buffer.concat([Buffer.from(name, 'utf8'), Buffer.of(0)]);

export function u32(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(v >>> 0);
  return b;
}

/** A framed request: length, version, opcode, parameters. */
export function encodeKcmRequest(opcode: number, ...params: readonly Buffer[]): Buffer {
  const head = Buffer.alloc(4);
  head[0] = KCM_VERSION_MAJOR;
  head[1] = KCM_VERSION_MINOR;
  head.writeUInt16BE(opcode, 2);
  const body = Buffer.concat([head, ...params]);
  return Buffer.concat([u32(body.length), body]);
}

/** A decoded reply: the status (0 is success) and the bytes after it. */
export interface KcmReply {
  readonly status: number;
  readonly body: Buffer;
}

/**
 * Buffers reply bytes as they arrive; `take()` returns a complete reply once there is one. The
 * outer status, when not 0, is the answer (Heimdal's IPC error); otherwise the payload's.
 */
export class KcmReplyDecoder {
  #buf: Buffer<ArrayBufferLike> = Buffer.alloc(0);

  push(chunk: Buffer): void {
    this.#buf = this.#buf.length === 0 ? chunk : Buffer.concat([this.#buf, chunk]);
  }

  take(): KcmReply | undefined {
    if (this.#buf.length < 8) return undefined;
    const len = this.#buf.readUInt32BE(0);
    if (len > KCM_MAX_REPLY) throw new KerberosError('KRB_CCACHE', `KCM reply of ${len} bytes exceeds ${KCM_MAX_REPLY} (KRB5_KCM_REPLY_TOO_BIG)`, { length: len });
    if (this.#buf.length < 8 + len) return undefined;
    const outer = this.#buf.readInt32BE(4);
    const payload = this.#buf.subarray(8, 8 + len);
    this.#buf = this.#buf.subarray(8 + len);
    if (outer !== 0) return { status: outer, body: Buffer.alloc(0) };
    if (payload.length < 4) throw new KerberosError('KRB_CCACHE', 'malformed KCM reply: no status (KRB5_KCM_MALFORMED_REPLY)', {});
    return { status: payload.readInt32BE(0), body: Buffer.from(payload.subarray(4)) };
  }
}

/** A zero-terminated name at the start of a reply body. */
export function readKcmName(body: Buffer): string {
  const end = body.indexOf(0);
  if (end === -1) throw new KerberosError('KRB_CCACHE', 'malformed KCM reply: name without a terminating zero (KRB5_KCM_MALFORMED_REPLY)', {});
  return body.subarray(0, end).toString('utf8');
}

/** A UUID list (the whole body, 16 bytes each). */
export function readUuidList(body: Buffer): Buffer[] {
  if (body.length % KCM_UUID_LEN !== 0) throw new KerberosError('KRB_CCACHE', `malformed KCM reply: a UUID list of ${body.length} bytes (KRB5_KCM_MALFORMED_REPLY)`, {});
  const out: Buffer[] = [];
  for (let i = 0; i < body.length; i += KCM_UUID_LEN) out.push(Buffer.from(body.subarray(i, i + KCM_UUID_LEN)));
  return out;
}

/** GET_CRED_LIST's body: a count, then count {length, credential} (MIT kcmreq_get_cred_list). */
export function readCredList(body: Buffer): Buffer[] {
  if (body.length < 4) throw new KerberosError('KRB_CCACHE', 'malformed KCM reply: credential list without a count', {});
  const count = body.readUInt32BE(0);
  if (count > (body.length - 4) / 4) throw new KerberosError('KRB_CCACHE', `malformed KCM reply: ${count} credentials in ${body.length} bytes`, {});
  const out: Buffer[] = [];
  let pos = 4;
  for (let i = 0; i < count; i++) {
    if (pos + 4 > body.length) throw new KerberosError('KRB_CCACHE', 'malformed KCM reply: credential list cut short', {});
    const len = body.readUInt32BE(pos);
    if (pos + 4 + len > body.length) throw new KerberosError('KRB_CCACHE', 'malformed KCM reply: credential list cut short', {});
    out.push(Buffer.from(body.subarray(pos + 4, pos + 4 + len)));
    pos += 4 + len;
  }
  return out;
}

/** REPLACE's parameters after the name: offset, principal, count, then {length, credential} each. */
export function replaceParams(offsetSeconds: number, principal: Buffer, creds: readonly Buffer[]): Buffer[] {
  const off = Buffer.alloc(4);
  off.writeInt32BE(offsetSeconds | 0);
  return [off, principal, u32(creds.length), ...creds.flatMap((c) => [u32(c.length), c])];
}
