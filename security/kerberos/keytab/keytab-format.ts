/**
 * The MIT keytab file format (MIT krb5 doc/formats/keytab_file_format, lib/krb5/keytab/kt_file.c):
 * a 16-bit version 0x0502 (0x0501 read-only), then records each prefixed by a signed 32-bit
 * length; a negative length is a hole of that many bytes left by a deleted entry and is skipped.
 * An entry is num_components (16 bit), realm and components as 16-bit-length counted strings,
 * name_type (32 bit, absent in 0x0501 where num_components also counts the realm), timestamp (32-bit
 * seconds), vno8, keyblock (16-bit enctype, counted key bytes) and, when at least 4 bytes remain in
 * the record, a 32-bit vno that supersedes vno8 if non-zero. 0x0502 is big-endian; 0x0501 used
 * the writer's native order, little-endian on every host that still has such files.
 */
import { KerberosError } from '../../../lib/errors/index.ts';
import type { EncryptionKey, Principal } from '../types.ts';

export const KEYTAB_VERSION_1 = 0x0501;
export const KEYTAB_VERSION_2 = 0x0502;

/** One keytab entry: a principal's key of one enctype at one key version. */
export interface KeytabEntry {
  readonly principal: Principal;
  /** When the key was stored, ms since the epoch (the file keeps whole seconds). */
  readonly timestamp: number;
  /** Key version number (the 32-bit kvno when present, else the 8-bit one). */
  readonly kvno: number;
  readonly key: EncryptionKey;
}

class Reader {
  #buf: Buffer;
  #pos: number;
  readonly #end: number;
  readonly #le: boolean;
  constructor(buf: Buffer, pos: number, end: number, le: boolean) {
    this.#buf = buf;
    this.#pos = pos;
    this.#end = end;
    this.#le = le;
  }
  get remaining(): number {
    return this.#end - this.#pos;
  }
  #need(n: number): void {
    if (this.remaining < n) throw new RangeError('truncated');
  }
  u8(): number {
    this.#need(1);
    return this.#buf[this.#pos++]!;
  }
  u16(): number {
    this.#need(2);
    const v = this.#le ? this.#buf.readUInt16LE(this.#pos) : this.#buf.readUInt16BE(this.#pos);
    this.#pos += 2;
    return v;
  }
  u32(): number {
    this.#need(4);
    const v = this.#le ? this.#buf.readUInt32LE(this.#pos) : this.#buf.readUInt32BE(this.#pos);
    this.#pos += 4;
    return v;
  }
  bytes(): Buffer {
    const n = this.u16();
    this.#need(n);
    const v = Buffer.from(this.#buf.subarray(this.#pos, this.#pos + n));
    this.#pos += n;
    return v;
  }
}

function formatError(message: string, details: Record<string, string | number> = {}): KerberosError {
  return new KerberosError('KRB_KEYTAB', `keytab is malformed: ${message}`, details);
}

function parseEntry(r: Reader, version: number): KeytabEntry {
  let count = r.u16();
  if (version === KEYTAB_VERSION_1) count -= 1; // v1 counted the realm as a component
  const realm = r.bytes().toString('utf8');
  const components: string[] = [];
  for (let i = 0; i < count; i++) components.push(r.bytes().toString('utf8'));
  const nameType = version === KEYTAB_VERSION_1 ? 1 : r.u32();
  const timestamp = r.u32() * 1000;
  const vno8 = r.u8();
  const etype = r.u16();
  const value = r.bytes();
  const vno32 = r.remaining >= 4 ? r.u32() : 0;
  return { principal: { name: { nameType, components }, realm }, timestamp, kvno: vno32 !== 0 ? vno32 : vno8, key: { etype, value } };
}

/** Parses a whole keytab file. */
export function parseKeytabEntries(bytes: Uint8Array): KeytabEntry[] {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < 2) throw formatError('the file is shorter than its 2-byte version');
  const version = buf.readUInt16BE(0);
  if (version !== KEYTAB_VERSION_1 && version !== KEYTAB_VERSION_2) {
    throw formatError(`unknown version 0x${version.toString(16).padStart(4, '0')} (expected 0x0502 or 0x0501); is this an MIT keytab?`, { version });
  }
  const le = version === KEYTAB_VERSION_1;
  const entries: KeytabEntry[] = [];
  let pos = 2;
  while (pos + 4 <= buf.length) {
    const size = le ? buf.readInt32LE(pos) : buf.readInt32BE(pos);
    pos += 4;
    if (size === 0) break; // MIT treats a zero length as the end of the entries
    const len = Math.abs(size);
    if (pos + len > buf.length) throw formatError(`entry at offset ${pos - 4} claims ${len} bytes but only ${buf.length - pos} remain`, { offset: pos - 4 });
    if (size > 0) {
      try {
        entries.push(parseEntry(new Reader(buf, pos, pos + len, le), version));
      } catch {
        throw formatError(`entry at offset ${pos - 4} is truncated`, { offset: pos - 4 });
      }
    }
    pos += len;
  }
  return entries;
}

function counted(s: string | Buffer): Buffer {
  const b = typeof s === 'string' ? Buffer.from(s, 'utf8') : s;
  if (b.length > 0xffff) throw new KerberosError('KRB_KEYTAB', `keytab field of ${b.length} bytes exceeds the 65535-byte limit`, {});
  const len = Buffer.alloc(2);
  len.writeUInt16BE(b.length, 0);
  return Buffer.concat([len, b]);
}

function u16(v: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(v, 0);
  return b;
}

function u32(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(v >>> 0, 0);
  return b;
}

/** Encodes one entry as MIT writes it (version 0x0502, with the 32-bit kvno). */
function serializeEntry(e: KeytabEntry): Buffer {
  const body = Buffer.concat([
    u16(e.principal.name.components.length),
    counted(e.principal.realm),
    ...e.principal.name.components.map((c) => counted(c)),
    u32(e.principal.name.nameType),
    u32(Math.floor(e.timestamp / 1000)),
    Buffer.of(e.kvno & 0xff),
    u16(e.key.etype),
    counted(e.key.value),
    u32(e.kvno),
  ]);
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length, 0);
  return Buffer.concat([size, body]);
}

/** Encodes a keytab file (version 0x0502). */
export function serializeKeytabEntries(entries: readonly KeytabEntry[]): Buffer {
  return Buffer.concat([u16(KEYTAB_VERSION_2), ...entries.map(serializeEntry)]);
}
