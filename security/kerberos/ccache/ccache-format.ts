/**
 * The MIT FILE credential cache format (MIT krb5 doc/formats/ccache_file_format.rst,
 * lib/krb5/ccache/cc_file.c), versions 0x0504 (read and written) and 0x0503 (read). Big-endian.
 * v4 opens with a header: a 16-bit total length, then tag/length/value fields; tag 1 is the KDC
 * time offset (32-bit seconds, 32-bit microseconds). Then the default principal and credentials.
 * A principal is name_type, component count, realm and components (32-bit lengths). A credential
 * is client, server, keyblock (16-bit enctype, counted key; v3 repeats the enctype), authtime,
 * starttime, endtime, renew_till (32-bit seconds), is_skey, ticket flags, addresses and authdata
 * (counted lists of 16-bit type + counted data), ticket and second ticket.
 *
 * Reading follows cc_file.c: a credential cut short by the end of the file (a writer appending at
 * that moment) ends the list, the good credentials before it are kept and `partialRecord` says
 * where the cut was; a length larger than the whole file is malformed (KRB5_CC_FORMAT); entries
 * MIT marked removed (endtime 0, authtime -1: fcc_remove_cred) are skipped. The principal and
 * credential encodings are also what the KEYRING and KCM caches store (k5_marshal_princ /
 * k5_marshal_cred, version 4): encodePrincipal / decodeCredential and friends.
 */
import { KerberosError } from '../../../lib/errors/index.ts';
import type { Credential, Principal } from '../types.ts';

export const CCACHE_VERSION_3 = 0x0503;
export const CCACHE_VERSION_4 = 0x0504;
/** v4 header tag: KDC time offset. */
export const HEADER_TAG_KDC_OFFSET = 1;

export interface TypedData {
  readonly type: number;
  readonly value: Buffer;
}

/** A ccache credential: the shared Credential plus what the file also keeps. */
export interface CcacheCredential extends Credential {
  readonly addresses: readonly TypedData[];
  readonly authData: readonly TypedData[];
  /** The second ticket (user-to-user), empty when absent. */
  readonly secondTicket: Buffer;
}

/** MIT's time offset: seconds and microseconds, as stored (krb5_context os_context time_offset / usec_offset). */
export interface KdcOffset {
  readonly seconds: number;
  readonly microseconds: number;
}

export interface HeaderField {
  readonly tag: number;
  readonly value: Buffer;
}

/** A whole ccache. */
export interface Ccache {
  /** 0x0504 or 0x0503 as read; serializeCcache always writes 0x0504. */
  readonly version: number;
  /** v4 header fields other than the KDC offset, kept as they were. */
  readonly headerFields: readonly HeaderField[];
  /** The KDC time offset (tag 1: KDC time minus local time), when the file records one. */
  readonly kdcOffset?: KdcOffset;
  readonly defaultPrincipal: Principal;
  /** Every credential in file order, config entries included. */
  readonly credentials: readonly CcacheCredential[];
  /**
   * Set when the last record was cut short by the end of the file (MIT stops there too, keeping
   * the credentials before it): its offset and how many bytes of it there were.
   */
  readonly partialRecord?: { readonly offset: number; readonly bytes: number };
}

/** A read ran past the end of the data (as opposed to a malformed length). */
class Truncated extends Error {}

class Reader {
  #pos = 0;
  readonly #buf: Buffer;
  constructor(buf: Buffer) {
    this.#buf = buf;
  }
  get done(): boolean {
    return this.#pos >= this.#buf.length;
  }
  get pos(): number {
    return this.#pos;
  }
  #need(n: number): void {
    if (this.#buf.length - this.#pos < n) throw new Truncated(`truncated at offset ${this.#pos} (needed ${n} more bytes)`);
  }
  u8(): number {
    this.#need(1);
    return this.#buf[this.#pos++]!;
  }
  u16(): number {
    this.#need(2);
    const v = this.#buf.readUInt16BE(this.#pos);
    this.#pos += 2;
    return v;
  }
  u32(): number {
    this.#need(4);
    const v = this.#buf.readUInt32BE(this.#pos);
    this.#pos += 4;
    return v;
  }
  i32(): number {
    this.#need(4);
    const v = this.#buf.readInt32BE(this.#pos);
    this.#pos += 4;
    return v;
  }
  raw(n: number): Buffer {
    this.#need(n);
    const v = Buffer.from(this.#buf.subarray(this.#pos, this.#pos + n));
    this.#pos += n;
    return v;
  }
  data(): Buffer {
    const at = this.#pos;
    const n = this.u32();
    // cc_file.c load_data: a length beyond the whole file is KRB5_CC_FORMAT, a short read is the end.
    if (n > this.#buf.length) throw formatError(`field at offset ${at} claims ${n} bytes, more than the whole cache (${this.#buf.length})`);
    return this.raw(n);
  }
}

function formatError(message: string): KerberosError {
  return new KerberosError('KRB_CCACHE', `credential cache is malformed: ${message}`, {});
}

function readPrincipal(r: Reader): Principal {
  const nameType = r.u32();
  const count = r.u32();
  if (count > 1024) throw formatError(`principal claims ${count} components`);
  const realm = r.data().toString('utf8');
  const components: string[] = [];
  for (let i = 0; i < count; i++) components.push(r.data().toString('utf8'));
  return { name: { nameType, components }, realm };
}

function readTypedList(r: Reader, what: string): TypedData[] {
  const count = r.u32();
  if (count > 65536) throw formatError(`${what} list claims ${count} entries`);
  const out: TypedData[] = [];
  for (let i = 0; i < count; i++) out.push({ type: r.u16(), value: r.data() });
  return out;
}

function readCredential(r: Reader, version: number): CcacheCredential {
  const client = readPrincipal(r);
  const server = readPrincipal(r);
  const etype = r.u16();
  if (version === CCACHE_VERSION_3) r.u16(); // v3 stores the enctype twice
  const key = r.data();
  const [authTime, startTime, endTime, renewTill] = [r.u32(), r.u32(), r.u32(), r.u32()].map((s) => s * 1000) as [number, number, number, number];
  const isSkey = r.u8() !== 0;
  const flags = r.u32();
  const addresses = readTypedList(r, 'address');
  const authData = readTypedList(r, 'authdata');
  const ticket = r.data();
  const secondTicket = r.data();
  return { client, server, sessionKey: { etype, value: key }, authTime, startTime, endTime, renewTill, isSkey, flags, addresses, authData, ticket, secondTicket };
}

/** MIT's mark for a removed entry (cc_file.c cred_removed): endtime 0 and authtime -1. */
function isRemoved(c: CcacheCredential): boolean {
  return c.endTime === 0 && c.authTime === 0xffffffff * 1000;
}

/** Runs `read`, turning a short read into KRB_CCACHE (where no partial record is allowed). */
function whole<T>(read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof Truncated) throw formatError(e.message);
    throw e;
  }
}

/** Parses a FILE ccache (0x0504 or 0x0503). */
export function parseCcacheBytes(bytes: Uint8Array): Ccache {
  return whole(() => parseCcacheFile(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)));
}

function parseCcacheFile(buf: Buffer): Ccache {
  const r = new Reader(buf);
  const version = r.u16();
  if (version !== CCACHE_VERSION_4 && version !== CCACHE_VERSION_3) {
    throw new KerberosError('KRB_CCACHE', `unsupported credential cache version 0x${version.toString(16).padStart(4, '0')} (hsec reads 0x0504 and 0x0503, the formats MIT has written since 1.x); recreate the cache with kinit`, { version });
  }
  const headerFields: HeaderField[] = [];
  let kdcOffset: KdcOffset | undefined;
  if (version === CCACHE_VERSION_4) {
    const h = new Reader(r.raw(r.u16()));
    while (!h.done) {
      const tag = h.u16();
      const value = h.raw(h.u16());
      if (tag === HEADER_TAG_KDC_OFFSET && value.length === 8) kdcOffset = { seconds: value.readInt32BE(0), microseconds: value.readInt32BE(4) };
      else headerFields.push({ tag, value });
    }
  }
  const defaultPrincipal = readPrincipal(r);
  const credentials: CcacheCredential[] = [];
  let partialRecord: Ccache['partialRecord'];
  while (!r.done) {
    const offset = r.pos;
    try {
      const c = readCredential(r, version);
      if (!isRemoved(c)) credentials.push(c);
    } catch (e) {
      if (!(e instanceof Truncated)) throw e;
      partialRecord = { offset, bytes: buf.length - offset };
      break;
    }
  }
  return { version, headerFields, ...(kdcOffset !== undefined ? { kdcOffset } : {}), defaultPrincipal, credentials, ...(partialRecord ? { partialRecord } : {}) };
}

/** Decodes one principal in the version 4 encoding (a KEYRING __krb5_princ__ key, a KCM reply). */
export function decodePrincipal(bytes: Uint8Array): Principal {
  return whole(() => readPrincipal(new Reader(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))));
}

/** Decodes one credential in the version 4 encoding (a KEYRING key, a KCM reply). */
export function decodeCredential(bytes: Uint8Array): CcacheCredential {
  return whole(() => readCredential(new Reader(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)), CCACHE_VERSION_4));
}

class Writer {
  readonly #parts: Buffer[] = [];
  u8(v: number): this {
    this.#parts.push(Buffer.of(v & 0xff));
    return this;
  }
  u16(v: number): this {
    const b = Buffer.alloc(2);
    b.writeUInt16BE(v, 0);
    this.#parts.push(b);
    return this;
  }
  u32(v: number): this {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(v >>> 0, 0);
    this.#parts.push(b);
    return this;
  }
  i32(v: number): this {
    const b = Buffer.alloc(4);
    b.writeInt32BE(v | 0, 0);
    this.#parts.push(b);
    return this;
  }
  raw(b: Uint8Array): this {
    this.#parts.push(Buffer.from(b));
    return this;
  }
  data(b: Uint8Array | string): this {
    const v = typeof b === 'string' ? Buffer.from(b, 'utf8') : Buffer.from(b);
    return this.u32(v.length).raw(v);
  }
  toBuffer(): Buffer {
    return Buffer.concat(this.#parts);
  }
}

function writePrincipal(w: Writer, p: Principal): void {
  w.u32(p.name.nameType).u32(p.name.components.length).data(p.realm);
  for (const c of p.name.components) w.data(c);
}

/** Seconds for the file; times are ms in memory. */
function secs(ms: number): number {
  return Math.floor(ms / 1000);
}

function writeCredential(w: Writer, c: CcacheCredential | Credential): void {
  writePrincipal(w, c.client);
  writePrincipal(w, c.server);
  w.u16(c.sessionKey.etype).data(c.sessionKey.value);
  w.u32(secs(c.authTime)).u32(secs(c.startTime)).u32(secs(c.endTime)).u32(secs(c.renewTill));
  w.u8(c.isSkey ? 1 : 0).u32(c.flags);
  const full = c as Partial<CcacheCredential>;
  for (const list of [full.addresses ?? [], full.authData ?? []]) {
    w.u32(list.length);
    for (const item of list) w.u16(item.type).data(item.value);
  }
  w.data(c.ticket).data(full.secondTicket ?? Buffer.alloc(0));
}

/** Encodes a principal in the version 4 encoding. */
export function encodePrincipal(p: Principal): Buffer {
  const w = new Writer();
  writePrincipal(w, p);
  return w.toBuffer();
}

/** Encodes a credential in the version 4 encoding. */
export function encodeCredential(c: CcacheCredential | Credential): Buffer {
  const w = new Writer();
  writeCredential(w, c);
  return w.toBuffer();
}

/** Encodes a ccache as version 0x0504 (header: KDC offset when known, then preserved fields). */
export function serializeCcacheBytes(cc: Omit<Ccache, 'version' | 'headerFields'> & { readonly headerFields?: readonly HeaderField[]; readonly credentials: readonly (CcacheCredential | Credential)[] }): Buffer {
  const header = new Writer();
  if (cc.kdcOffset !== undefined) header.u16(HEADER_TAG_KDC_OFFSET).u16(8).i32(cc.kdcOffset.seconds).i32(cc.kdcOffset.microseconds);
  for (const f of cc.headerFields ?? []) header.u16(f.tag).u16(f.value.length).raw(f.value);
  const headerBytes = header.toBuffer();
  const w = new Writer().u16(CCACHE_VERSION_4).u16(headerBytes.length).raw(headerBytes);
  writePrincipal(w, cc.defaultPrincipal);
  for (const c of cc.credentials) writeCredential(w, c);
  return w.toBuffer();
}
