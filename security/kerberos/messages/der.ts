/**
 * A thin typed layer over asn1js for the Kerberos ASN.1 module (RFC 4120 section 5): builders that
 * produce DER with explicit context tags ([n] EXPLICIT, section 5.2), and readers that walk a
 * parsed tree, check tag classes and numbers, and turn every mismatch into KerberosError
 * KRB_BAD_FORMAT naming the field. Parsing is bounded (size, depth, node count) for untrusted input.
 */
import * as asn1js from 'asn1js';
import { KerberosError } from '../../../lib/errors/index.ts';

/** A node of an asn1js tree (parsed or built). */
export type Asn = asn1js.BaseBlock;

/** Largest Kerberos message we parse (PACs make tickets large, but never near this). */
export const MAX_DER_BYTES = 1 << 20;

const UNIVERSAL = 1;
const APPLICATION = 2;
const CONTEXT = 3;
const TAG = { INTEGER: 2, BIT_STRING: 3, OCTET_STRING: 4, SEQUENCE: 16, GENERALIZED_TIME: 24, GENERAL_STRING: 27 } as const;
/** String types a peer may (wrongly but harmlessly) use for KerberosString. */
const STRING_TAGS = new Set([TAG.GENERAL_STRING, 12 /* UTF8 */, 22 /* IA5 */, 26 /* Visible */, 19 /* Printable */]);

export function badFormat(what: string, why: string): KerberosError {
  return new KerberosError('KRB_BAD_FORMAT', `Malformed Kerberos ${what}: ${why}`, { field: what });
}

// ---------------------------------------------------------------------------------------------
// Builders

/** SEQUENCE of [n] EXPLICIT fields; keys are the tag numbers, undefined fields are omitted. */
export function seq(fields: Readonly<Record<number, Asn | undefined>>): Asn {
  const value: Asn[] = [];
  for (const [tag, inner] of Object.entries(fields).sort((a, b) => Number(a[0]) - Number(b[0]))) {
    if (inner !== undefined) value.push(new asn1js.Constructed({ idBlock: { tagClass: CONTEXT, tagNumber: Number(tag) }, value: [inner] }));
  }
  return new asn1js.Sequence({ value });
}

/** SEQUENCE OF items. */
export function seqOf(items: readonly Asn[]): Asn {
  return new asn1js.Sequence({ value: [...items] });
}

/** [APPLICATION n] wrapping (RFC 4120 uses it around a SEQUENCE). */
export function app(tag: number, inner: Asn): Asn {
  return new asn1js.Constructed({ idBlock: { tagClass: APPLICATION, tagNumber: tag }, value: [inner] });
}

/** INTEGER: Int32, UInt32 and Microseconds (RFC 4120 section 5.2.4). */
export function int(n: number): Asn {
  if (!Number.isInteger(n) || n < -0x80000000 || n > 0xffffffff) throw new RangeError(`Kerberos INTEGER out of range: ${n}`);
  return new asn1js.Integer({ value: n });
}

export function octets(bytes: Uint8Array): Asn {
  return new asn1js.OctetString({ valueHex: bytes });
}

/** KerberosString: GeneralString restricted to IA5 in practice (section 5.2.1); we send UTF-8 bytes as MIT does. */
export function kstr(s: string): Asn {
  return new asn1js.Primitive({ idBlock: { tagClass: UNIVERSAL, tagNumber: TAG.GENERAL_STRING }, valueHex: Buffer.from(s, 'utf8') });
}

/** KerberosTime: GeneralizedTime "YYYYMMDDHHMMSSZ", no fraction (section 5.2.3). `ms` is truncated to seconds. */
export function ktime(ms: number): Asn {
  const iso = new Date(Math.floor(ms / 1000) * 1000).toISOString(); // 2026-11-22T07:27:00.000Z
  const text = iso.slice(0, 19).replace(/[-T:]/g, '') + 'Z';
  return new asn1js.Primitive({ idBlock: { tagClass: UNIVERSAL, tagNumber: TAG.GENERALIZED_TIME }, valueHex: Buffer.from(text, 'ascii') });
}

/** KerberosFlags: a BIT STRING of 32 bits, bit 0 the most significant of `flags` (section 5.2.8). */
export function bits32(flags: number): Asn {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(flags >>> 0);
  return new asn1js.BitString({ valueHex: b, unusedBits: 0 });
}

/** Embeds already-encoded DER (e.g. a Ticket received from the KDC) unchanged. */
export function raw(der: Uint8Array, what: string): Asn {
  return parseDer(der, what);
}

export function toDer(block: Asn): Buffer {
  return Buffer.from(block.toBER(false));
}

// ---------------------------------------------------------------------------------------------
// Readers

/** Parses one complete DER value; trailing bytes, truncation or excess size are KRB_BAD_FORMAT. */
export function parseDer(bytes: Uint8Array, what: string): Asn {
  if (bytes.length === 0) throw badFormat(what, 'empty input');
  if (bytes.length > MAX_DER_BYTES) throw badFormat(what, `${bytes.length} bytes exceeds the ${MAX_DER_BYTES}-byte limit`);
  let r: asn1js.FromBerResult;
  try {
    r = asn1js.fromBER(bytes, { maxDepth: 32, maxNodes: 20000, maxContentLength: MAX_DER_BYTES });
  } catch (e) {
    // asn1js converts some universal types eagerly (times, UniversalString) and throws on bad content.
    throw badFormat(what, `undecodable DER (${(e as Error).message})`);
  }
  if (r.offset === -1) throw badFormat(what, r.result.error || 'undecodable DER');
  if (r.offset !== bytes.length) throw badFormat(what, `${bytes.length - r.offset} trailing bytes after the value`);
  return r.result as Asn;
}

/** The tag of a node as [class, number], e.g. to dispatch on the application tag of a message. */
export function tagOf(block: Asn): { tagClass: number; tagNumber: number } {
  return { tagClass: block.idBlock.tagClass, tagNumber: block.idBlock.tagNumber };
}

function children(block: Asn, what: string): Asn[] {
  if (!block.idBlock.isConstructed) throw badFormat(what, 'expected a constructed value');
  return (block.valueBlock as unknown as { value: Asn[] }).value;
}

function primitiveBytes(block: Asn, tag: number, what: string): Uint8Array {
  if (block.idBlock.tagClass !== UNIVERSAL || block.idBlock.tagNumber !== tag || block.idBlock.isConstructed) {
    throw badFormat(what, `expected universal tag ${tag}, found class ${block.idBlock.tagClass} tag ${block.idBlock.tagNumber}`);
  }
  return (block.valueBlock as unknown as { valueHexView: Uint8Array }).valueHexView;
}

/** The fields of a SEQUENCE of [n] EXPLICIT elements, by tag number. */
export class Fields {
  readonly #what: string;
  readonly #byTag = new Map<number, Asn>();

  constructor(block: Asn, what: string) {
    this.#what = what;
    if (block.idBlock.tagClass !== UNIVERSAL || block.idBlock.tagNumber !== TAG.SEQUENCE) throw badFormat(what, 'expected a SEQUENCE');
    let last = -1;
    for (const child of children(block, what)) {
      const { tagClass, tagNumber } = child.idBlock;
      if (tagClass !== CONTEXT) throw badFormat(what, `expected a context tag, found class ${tagClass} tag ${tagNumber}`);
      if (tagNumber <= last) throw badFormat(what, `field [${tagNumber}] out of order or repeated`);
      last = tagNumber;
      const inner = children(child, `${what}[${tagNumber}]`);
      if (inner.length !== 1) throw badFormat(what, `field [${tagNumber}] must hold exactly one value`);
      this.#byTag.set(tagNumber, inner[0]!);
    }
  }

  /** A required field; absent is KRB_BAD_FORMAT naming it. */
  req(tag: number, name: string): Asn {
    const v = this.#byTag.get(tag);
    if (v === undefined) throw badFormat(this.#what, `missing required field ${name} [${tag}]`);
    return v;
  }

  opt(tag: number): Asn | undefined {
    return this.#byTag.get(tag);
  }

  /** The name used in error messages for a field of this sequence. */
  path(name: string): string {
    return `${this.#what}.${name}`;
  }
}

/** Reads a SEQUENCE of explicit fields. */
export function asSeq(block: Asn, what: string): Fields {
  return new Fields(block, what);
}

/** Reads [APPLICATION tag] SEQUENCE { ... }. */
export function asApp(block: Asn, tag: number, what: string): Fields {
  if (block.idBlock.tagClass !== APPLICATION || block.idBlock.tagNumber !== tag) {
    throw badFormat(what, `expected [APPLICATION ${tag}], found class ${block.idBlock.tagClass} tag ${block.idBlock.tagNumber}`);
  }
  const inner = children(block, what);
  if (inner.length !== 1) throw badFormat(what, 'application tag must wrap exactly one SEQUENCE');
  return new Fields(inner[0]!, what);
}

/** Reads SEQUENCE OF. */
export function asSeqOf(block: Asn, what: string): Asn[] {
  if (block.idBlock.tagClass !== UNIVERSAL || block.idBlock.tagNumber !== TAG.SEQUENCE) throw badFormat(what, 'expected a SEQUENCE OF');
  return children(block, what);
}

/** Reads an INTEGER that must fit Int32 or UInt32. */
export function asInt(block: Asn, what: string): number {
  const b = primitiveBytes(block, TAG.INTEGER, what);
  if (b.length === 0 || b.length > 5) throw badFormat(what, `INTEGER of ${b.length} bytes is not an Int32/UInt32`);
  const v = BigInt.asIntN(b.length * 8, BigInt('0x' + Buffer.from(b).toString('hex')));
  if (v < -0x80000000n || v > 0xffffffffn) throw badFormat(what, 'INTEGER out of Int32/UInt32 range');
  return Number(v);
}

export function asOctets(block: Asn, what: string): Buffer {
  return Buffer.from(primitiveBytes(block, TAG.OCTET_STRING, what));
}

/** Reads a KerberosString (GeneralString; other string types are tolerated as MIT does). */
export function asKString(block: Asn, what: string): string {
  const tag = block.idBlock.tagNumber;
  if (block.idBlock.tagClass !== UNIVERSAL || !STRING_TAGS.has(tag as 27)) throw badFormat(what, `expected a KerberosString, found tag ${tag}`);
  return Buffer.from(primitiveBytes(block, tag, what)).toString('utf8');
}

const KTIME = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/;

/** Reads a KerberosTime into milliseconds since the epoch. */
export function asTime(block: Asn, what: string): number {
  const text = Buffer.from(primitiveBytes(block, TAG.GENERALIZED_TIME, what)).toString('latin1');
  const m = KTIME.exec(text);
  if (!m) throw badFormat(what, `KerberosTime must be YYYYMMDDHHMMSSZ, got ${JSON.stringify(text.slice(0, 32))}`);
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  return Date.UTC(y, mo - 1, d, h, mi, s);
}

/** Reads KerberosFlags (BIT STRING) into a 32-bit number; shorter strings are zero-padded. */
export function asBits32(block: Asn, what: string): number {
  const b = primitiveBytes(block, TAG.BIT_STRING, what);
  // asn1js strips the leading unused-bits octet from valueHexView.
  const bits = Buffer.alloc(4);
  Buffer.from(b.subarray(0, 4)).copy(bits);
  return bits.readUInt32BE(0);
}
