/**
 * Ticket and EncTicketPart (RFC 4120 section 5.3). Ticket ::= [APPLICATION 1] SEQUENCE { tkt-vno
 * [0], realm [1], sname [2], enc-part [3] EncryptedData }; EncTicketPart ::= [APPLICATION 3]
 * SEQUENCE { flags [0], key [1], crealm [2], cname [3], transited [4] TransitedEncoding, authtime
 * [5], starttime [6] OPT, endtime [7], renew-till [8] OPT, caddr [9] OPT, authorization-data [10]
 * OPT }. The enc-part is encrypted with the service key, key usage 2.
 */
import type { EncryptionKey, PrincipalName } from '../types.ts';
import { authorizationDataFromAsn, authorizationDataToAsn, type AuthorizationData } from './authorization-data.ts';
import { APP_TAG, PVNO } from './constants.ts';
import {
  app, asApp, asBits32, asInt, asKString, asOctets, asSeq, asTime, bits32, int, kstr, ktime, octets, parseDer, seq, toDer,
  badFormat, type Asn,
} from './der.ts';
import { encryptedDataFromAsn, encryptedDataToAsn, encryptionKeyFromAsn, encryptionKeyToAsn, type EncryptedData } from './encryption.ts';
import { hostAddressesFromAsn, hostAddressesToAsn, type HostAddress } from './host-address.ts';
import { principalNameFromAsn, principalNameToAsn } from './principal-name.ts';

export interface Ticket {
  readonly realm: string;
  readonly sname: PrincipalName;
  readonly encPart: EncryptedData;
}

export interface TransitedEncoding {
  readonly trType: number;
  readonly contents: Buffer;
}

export interface EncTicketPart {
  readonly flags: number;
  readonly key: EncryptionKey;
  readonly crealm: string;
  readonly cname: PrincipalName;
  readonly transited: TransitedEncoding;
  readonly authTime: number;
  readonly startTime?: number;
  readonly endTime: number;
  readonly renewTill?: number;
  readonly caddr?: readonly HostAddress[];
  readonly authorizationData?: AuthorizationData;
}

export function ticketToAsn(t: Ticket): Asn {
  return app(APP_TAG.TICKET, seq({ 0: int(PVNO), 1: kstr(t.realm), 2: principalNameToAsn(t.sname), 3: encryptedDataToAsn(t.encPart) }));
}

export function ticketFromAsn(block: Asn, what = 'Ticket'): Ticket {
  const f = asApp(block, APP_TAG.TICKET, what);
  const vno = asInt(f.req(0, 'tkt-vno'), f.path('tkt-vno'));
  if (vno !== PVNO) throw badFormat(what, `tkt-vno ${vno}, expected ${PVNO}`);
  return {
    realm: asKString(f.req(1, 'realm'), f.path('realm')),
    sname: principalNameFromAsn(f.req(2, 'sname'), f.path('sname')),
    encPart: encryptedDataFromAsn(f.req(3, 'enc-part'), f.path('enc-part')),
  };
}

export const encodeTicket = (t: Ticket): Buffer => toDer(ticketToAsn(t));
export const decodeTicket = (der: Uint8Array): Ticket => ticketFromAsn(parseDer(der, 'Ticket'));

const optTime = (v: number | undefined): Asn | undefined => (v === undefined ? undefined : ktime(v));

export function encodeEncTicketPart(p: EncTicketPart): Buffer {
  return toDer(
    app(
      APP_TAG.ENC_TICKET_PART,
      seq({
        0: bits32(p.flags),
        1: encryptionKeyToAsn(p.key),
        2: kstr(p.crealm),
        3: principalNameToAsn(p.cname),
        4: seq({ 0: int(p.transited.trType), 1: octets(p.transited.contents) }),
        5: ktime(p.authTime),
        6: optTime(p.startTime),
        7: ktime(p.endTime),
        8: optTime(p.renewTill),
        9: p.caddr ? hostAddressesToAsn(p.caddr) : undefined,
        10: p.authorizationData ? authorizationDataToAsn(p.authorizationData) : undefined,
      }),
    ),
  );
}

export function decodeEncTicketPart(der: Uint8Array): EncTicketPart {
  const what = 'EncTicketPart';
  const f = asApp(parseDer(der, what), APP_TAG.ENC_TICKET_PART, what);
  const tr = asSeq(f.req(4, 'transited'), f.path('transited'));
  const [start, renew, caddr, ad] = [f.opt(6), f.opt(8), f.opt(9), f.opt(10)];
  return {
    flags: asBits32(f.req(0, 'flags'), f.path('flags')),
    key: encryptionKeyFromAsn(f.req(1, 'key'), f.path('key')),
    crealm: asKString(f.req(2, 'crealm'), f.path('crealm')),
    cname: principalNameFromAsn(f.req(3, 'cname'), f.path('cname')),
    transited: { trType: asInt(tr.req(0, 'tr-type'), tr.path('tr-type')), contents: asOctets(tr.req(1, 'contents'), tr.path('contents')) },
    authTime: asTime(f.req(5, 'authtime'), f.path('authtime')),
    ...(start ? { startTime: asTime(start, f.path('starttime')) } : {}),
    endTime: asTime(f.req(7, 'endtime'), f.path('endtime')),
    ...(renew ? { renewTill: asTime(renew, f.path('renew-till')) } : {}),
    ...(caddr ? { caddr: hostAddressesFromAsn(caddr, f.path('caddr')) } : {}),
    ...(ad ? { authorizationData: authorizationDataFromAsn(ad, f.path('authorization-data')) } : {}),
  };
}
