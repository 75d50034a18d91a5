/**
 * Pre-authentication data (RFC 4120 sections 5.2.7, 5.9.1): PA-DATA { padata-type [1] Int32,
 * padata-value [2] OCTET STRING } (tags start at 1), METHOD-DATA (SEQUENCE OF PA-DATA, the e-data
 * of KDC_ERR_PREAUTH_REQUIRED), PA-ENC-TS-ENC { patimestamp [0], pausec [1] OPT } (encrypted with
 * the client key, key usage 1, into PA-ENC-TIMESTAMP), and ETYPE-INFO2 (section 5.2.7.5): SEQUENCE
 * OF { etype [0], salt [1] KerberosString OPT, s2kparams [2] OCTET STRING OPT }.
 */
import { asInt, asKString, asOctets, asSeq, asSeqOf, asTime, int, kstr, ktime, octets, parseDer, seq, seqOf, toDer, badFormat, type Asn } from './der.ts';

export interface PaData {
  readonly type: number;
  readonly value: Buffer;
}

export interface PaEncTsEnc {
  readonly timestamp: number;
  readonly usec?: number;
}

export interface EtypeInfo2Entry {
  readonly etype: number;
  readonly salt?: string;
  readonly s2kparams?: Buffer;
}

export function paDataToAsn(p: PaData): Asn {
  return seq({ 1: int(p.type), 2: octets(p.value) });
}

export function paDataListToAsn(list: readonly PaData[]): Asn {
  return seqOf(list.map(paDataToAsn));
}

export function paDataListFromAsn(block: Asn, what = 'PA-DATA'): PaData[] {
  return asSeqOf(block, what).map((item) => {
    const f = asSeq(item, what);
    return { type: asInt(f.req(1, 'padata-type'), f.path('padata-type')), value: asOctets(f.req(2, 'padata-value'), f.path('padata-value')) };
  });
}

/** METHOD-DATA, the e-data of KDC_ERR_PREAUTH_REQUIRED. */
export const encodeMethodData = (list: readonly PaData[]): Buffer => toDer(paDataListToAsn(list));
export const decodeMethodData = (der: Uint8Array): PaData[] => paDataListFromAsn(parseDer(der, 'METHOD-DATA'), 'METHOD-DATA');

export function encodePaEncTsEnc(ts: PaEncTsEnc): Buffer {
  return toDer(seq({ 0: ktime(ts.timestamp), 1: ts.usec === undefined ? undefined : int(ts.usec) }));
}

export function decodePaEncTsEnc(der: Uint8Array): PaEncTsEnc {
  const f = asSeq(parseDer(der, 'PA-ENC-TS-ENC'), 'PA-ENC-TS-ENC');
  const usec = f.opt(1);
  return { timestamp: asTime(f.req(0, 'patimestamp'), f.path('patimestamp')), ...(usec ? { usec: asInt(usec, f.path('pausec')) } : {}) };
}

export function encodeEtypeInfo2(entries: readonly EtypeInfo2Entry[]): Buffer {
  return toDer(
    seqOf(entries.map((e) => seq({ 0: int(e.etype), 1: e.salt === undefined ? undefined : kstr(e.salt), 2: e.s2kparams ? octets(e.s2kparams) : undefined }))),
  );
}

export function decodeEtypeInfo2(der: Uint8Array): EtypeInfo2Entry[] {
  const what = 'ETYPE-INFO2';
  const items = asSeqOf(parseDer(der, what), what);
  if (items.length === 0) throw badFormat(what, 'empty sequence (SIZE (1..MAX))');
  return items.map((item) => {
    const f = asSeq(item, what);
    const [salt, params] = [f.opt(1), f.opt(2)];
    return {
      etype: asInt(f.req(0, 'etype'), f.path('etype')),
      ...(salt ? { salt: asKString(salt, f.path('salt')) } : {}),
      ...(params ? { s2kparams: asOctets(params, f.path('s2kparams')) } : {}),
    };
  });
}

