/**
 * KRB-ERROR (RFC 4120 section 5.9.1): [APPLICATION 30] SEQUENCE { pvno [0], msg-type [1], ctime
 * [2] OPT, cusec [3] OPT, stime [4], susec [5], error-code [6] Int32, crealm [7] OPT, cname [8] OPT,
 * realm [9], sname [10], e-text [11] KerberosString OPT, e-data [12] OCTET STRING OPT }. For
 * KDC_ERR_PREAUTH_REQUIRED the e-data is METHOD-DATA (section 5.9.1, decoded by ./pa-data.ts).
 */
import type { PrincipalName } from '../types.ts';
import { checkHeader } from './ap-req.ts';
import { MSG_TYPE, PVNO } from './constants.ts';
import { app, asApp, asInt, asKString, asOctets, asTime, int, kstr, ktime, octets, parseDer, seq, toDer, type Asn } from './der.ts';
import { principalNameFromAsn, principalNameToAsn } from './principal-name.ts';

export interface KrbError {
  readonly ctime?: number;
  readonly cusec?: number;
  /** Server (KDC) time, ms since the epoch, whole seconds. */
  readonly stime: number;
  readonly susec: number;
  readonly errorCode: number;
  readonly crealm?: string;
  readonly cname?: PrincipalName;
  readonly realm: string;
  readonly sname: PrincipalName;
  readonly eText?: string;
  readonly eData?: Buffer;
}

const opt = <T>(v: T | undefined, f: (v: T) => Asn): Asn | undefined => (v === undefined ? undefined : f(v));

export function encodeKrbError(e: KrbError): Buffer {
  return toDer(
    app(
      MSG_TYPE.KRB_ERROR,
      seq({
        0: int(PVNO),
        1: int(MSG_TYPE.KRB_ERROR),
        2: opt(e.ctime, ktime),
        3: opt(e.cusec, int),
        4: ktime(e.stime),
        5: int(e.susec),
        6: int(e.errorCode),
        7: opt(e.crealm, kstr),
        8: opt(e.cname, principalNameToAsn),
        9: kstr(e.realm),
        10: principalNameToAsn(e.sname),
        11: opt(e.eText, kstr),
        12: opt(e.eData, octets),
      }),
    ),
  );
}

export function krbErrorFromAsn(block: Asn, what = 'KRB-ERROR'): KrbError {
  const f = asApp(block, MSG_TYPE.KRB_ERROR, what);
  checkHeader(f, 0, MSG_TYPE.KRB_ERROR, what);
  const o = <T>(tag: number, name: string, read: (b: Asn, w: string) => T): Record<string, T> => {
    const v = f.opt(tag);
    return v === undefined ? {} : { [name]: read(v, f.path(name)) };
  };
  return {
    ...o(2, 'ctime', asTime),
    ...o(3, 'cusec', asInt),
    stime: asTime(f.req(4, 'stime'), f.path('stime')),
    susec: asInt(f.req(5, 'susec'), f.path('susec')),
    errorCode: asInt(f.req(6, 'error-code'), f.path('error-code')),
    ...o(7, 'crealm', asKString),
    ...o(8, 'cname', principalNameFromAsn),
    realm: asKString(f.req(9, 'realm'), f.path('realm')),
    sname: principalNameFromAsn(f.req(10, 'sname'), f.path('sname')),
    ...o(11, 'eText', asKString),
    ...o(12, 'eData', asOctets),
  } as KrbError;
}

export const decodeKrbError = (der: Uint8Array): KrbError => krbErrorFromAsn(parseDer(der, 'KRB-ERROR'));
