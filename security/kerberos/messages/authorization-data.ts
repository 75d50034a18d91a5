/**
 * AuthorizationData (RFC 4120 section 5.2.6): SEQUENCE OF { ad-type [0] Int32, ad-data [1] OCTET
 * STRING }. Elements are carried opaquely (a PAC inside AD-IF-RELEVANT stays bytes).
 */
import { asInt, asOctets, asSeq, asSeqOf, int, octets, seq, seqOf, type Asn } from './der.ts';

export interface AuthorizationDataEntry {
  readonly adType: number;
  readonly adData: Buffer;
}

export type AuthorizationData = readonly AuthorizationDataEntry[];

export function authorizationDataToAsn(ad: AuthorizationData): Asn {
  return seqOf(ad.map((e) => seq({ 0: int(e.adType), 1: octets(e.adData) })));
}

export function authorizationDataFromAsn(block: Asn, what = 'AuthorizationData'): AuthorizationDataEntry[] {
  return asSeqOf(block, what).map((item) => {
    const f = asSeq(item, what);
    return { adType: asInt(f.req(0, 'ad-type'), f.path('ad-type')), adData: asOctets(f.req(1, 'ad-data'), f.path('ad-data')) };
  });
}

