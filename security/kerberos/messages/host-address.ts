/**
 * HostAddress and HostAddresses (RFC 4120 section 5.2.5): addr-type [0] Int32, address [1] OCTET
 * STRING. Modern clients send no addresses (address-less tickets); we decode what a KDC returns.
 */
import { asInt, asOctets, asSeq, asSeqOf, int, octets, seq, seqOf, type Asn } from './der.ts';

export interface HostAddress {
  readonly addrType: number;
  readonly address: Buffer;
}

export function hostAddressesToAsn(list: readonly HostAddress[]): Asn {
  return seqOf(list.map((a) => seq({ 0: int(a.addrType), 1: octets(a.address) })));
}

export function hostAddressesFromAsn(block: Asn, what = 'HostAddresses'): HostAddress[] {
  return asSeqOf(block, what).map((item) => {
    const f = asSeq(item, what);
    return { addrType: asInt(f.req(0, 'addr-type'), f.path('addr-type')), address: asOctets(f.req(1, 'address'), f.path('address')) };
  });
}
