/**
 * PrincipalName and Realm (RFC 4120 section 5.2.2): name-type [0] Int32, name-string [1] SEQUENCE
 * OF KerberosString; Realm is a KerberosString. The plain data type lives in ../types.ts.
 */
import type { PrincipalName } from '../types.ts';
import { asInt, asKString, asSeq, asSeqOf, int, kstr, seq, seqOf, type Asn } from './der.ts';

export function principalNameToAsn(p: PrincipalName): Asn {
  return seq({ 0: int(p.nameType), 1: seqOf(p.components.map(kstr)) });
}

export function principalNameFromAsn(block: Asn, what = 'PrincipalName'): PrincipalName {
  const f = asSeq(block, what);
  return {
    nameType: asInt(f.req(0, 'name-type'), f.path('name-type')),
    components: asSeqOf(f.req(1, 'name-string'), f.path('name-string')).map((c) => asKString(c, f.path('name-string'))),
  };
}

/** Compares two principal names component-wise (name-type is advisory, RFC 4120 section 6.2). */
export function principalNameEquals(a: PrincipalName, b: PrincipalName): boolean {
  return a.components.length === b.components.length && a.components.every((c, i) => c === b.components[i]);
}
