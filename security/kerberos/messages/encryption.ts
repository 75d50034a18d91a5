/**
 * EncryptedData, EncryptionKey and Checksum (RFC 4120 sections 5.2.9): the three containers of
 * keyed material. EncryptedData { etype [0] Int32, kvno [1] UInt32 OPTIONAL, cipher [2] OCTET
 * STRING }, EncryptionKey { keytype [0] Int32, keyvalue [1] OCTET STRING }, Checksum { cksumtype
 * [0] Int32, checksum [1] OCTET STRING }.
 */
import type { EncryptionKey } from '../types.ts';
import { asInt, asOctets, asSeq, int, octets, parseDer, seq, toDer, type Asn } from './der.ts';

export interface EncryptedData {
  readonly etype: number;
  /** Version of the key used; absent for session keys. */
  readonly kvno?: number;
  readonly cipher: Buffer;
}

export interface Checksum {
  readonly cksumtype: number;
  readonly checksum: Buffer;
}

export type { EncryptionKey };

export function encryptedDataToAsn(e: EncryptedData): Asn {
  return seq({ 0: int(e.etype), 1: e.kvno === undefined ? undefined : int(e.kvno), 2: octets(e.cipher) });
}

export function encryptedDataFromAsn(block: Asn, what = 'EncryptedData'): EncryptedData {
  const f = asSeq(block, what);
  const kvno = f.opt(1);
  return {
    etype: asInt(f.req(0, 'etype'), f.path('etype')),
    ...(kvno === undefined ? {} : { kvno: asInt(kvno, f.path('kvno')) }),
    cipher: asOctets(f.req(2, 'cipher'), f.path('cipher')),
  };
}

export function encryptionKeyToAsn(k: EncryptionKey): Asn {
  return seq({ 0: int(k.etype), 1: octets(k.value) });
}

export function encryptionKeyFromAsn(block: Asn, what = 'EncryptionKey'): EncryptionKey {
  const f = asSeq(block, what);
  return { etype: asInt(f.req(0, 'keytype'), f.path('keytype')), value: asOctets(f.req(1, 'keyvalue'), f.path('keyvalue')) };
}

export function checksumToAsn(c: Checksum): Asn {
  return seq({ 0: int(c.cksumtype), 1: octets(c.checksum) });
}

export function checksumFromAsn(block: Asn, what = 'Checksum'): Checksum {
  const f = asSeq(block, what);
  return { cksumtype: asInt(f.req(0, 'cksumtype'), f.path('cksumtype')), checksum: asOctets(f.req(1, 'checksum'), f.path('checksum')) };
}

export const encodeEncryptedData = (e: EncryptedData): Buffer => toDer(encryptedDataToAsn(e));
export const decodeEncryptedData = (der: Uint8Array): EncryptedData => encryptedDataFromAsn(parseDer(der, 'EncryptedData'));
export const encodeEncryptionKey = (k: EncryptionKey): Buffer => toDer(encryptionKeyToAsn(k));
export const decodeEncryptionKey = (der: Uint8Array): EncryptionKey => encryptionKeyFromAsn(parseDer(der, 'EncryptionKey'));
export const encodeChecksum = (c: Checksum): Buffer => toDer(checksumToAsn(c));
export const decodeChecksum = (der: Uint8Array): Checksum => checksumFromAsn(parseDer(der, 'Checksum'));
