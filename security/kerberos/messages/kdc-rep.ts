/**
 * KDC-REP and EncKDCRepPart (RFC 4120 section 5.4.2): AS-REP ::= [APPLICATION 11] KDC-REP, TGS-REP
 * ::= [APPLICATION 13] KDC-REP; KDC-REP ::= SEQUENCE { pvno [0], msg-type [1], padata [2] OPT,
 * crealm [3], cname [4], ticket [5] Ticket, enc-part [6] EncryptedData }. EncASRepPart
 * [APPLICATION 25] and EncTGSRepPart [APPLICATION 26] share EncKDCRepPart ::= SEQUENCE { key [0],
 * last-req [1], nonce [2], key-expiration [3] OPT, flags [4], authtime [5], starttime [6] OPT,
 * endtime [7], renew-till [8] OPT, srealm [9], sname [10], caddr [11] OPT, encrypted-pa-data [12]
 * OPT (RFC 6806) }. Decoding accepts either tag for either reply, as MIT does.
 */
import type { EncryptionKey, PrincipalName } from '../types.ts';
import { checkHeader } from './ap-req.ts';
import { APP_TAG, MSG_TYPE, PVNO } from './constants.ts';
import {
  app, asApp, asBits32, asInt, asKString, asSeq, asSeqOf, asTime, bits32, int, kstr, ktime, parseDer, seq, seqOf, tagOf, toDer,
  badFormat, type Asn,
} from './der.ts';
import { encryptedDataFromAsn, encryptedDataToAsn, encryptionKeyFromAsn, encryptionKeyToAsn, type EncryptedData } from './encryption.ts';
import { hostAddressesFromAsn, hostAddressesToAsn, type HostAddress } from './host-address.ts';
import { paDataListFromAsn, paDataListToAsn, type PaData } from './pa-data.ts';
import { principalNameFromAsn, principalNameToAsn } from './principal-name.ts';
import { ticketFromAsn, ticketToAsn, type Ticket } from './ticket.ts';

export interface KdcRep {
  readonly msgType: typeof MSG_TYPE.AS_REP | typeof MSG_TYPE.TGS_REP;
  readonly padata?: readonly PaData[];
  readonly crealm: string;
  readonly cname: PrincipalName;
  readonly ticket: Ticket;
  readonly encPart: EncryptedData;
}

export interface LastReqEntry {
  readonly lrType: number;
  readonly lrValue: number;
}

export interface EncKdcRepPart {
  readonly key: EncryptionKey;
  readonly lastReq: readonly LastReqEntry[];
  readonly nonce: number;
  readonly keyExpiration?: number;
  readonly flags: number;
  readonly authTime: number;
  readonly startTime?: number;
  readonly endTime: number;
  readonly renewTill?: number;
  readonly srealm: string;
  readonly sname: PrincipalName;
  readonly caddr?: readonly HostAddress[];
  readonly encryptedPaData?: readonly PaData[];
}

export function encodeKdcRep(r: KdcRep): Buffer {
  return toDer(
    app(
      r.msgType,
      seq({
        0: int(PVNO),
        1: int(r.msgType),
        2: r.padata?.length ? paDataListToAsn(r.padata) : undefined,
        3: kstr(r.crealm),
        4: principalNameToAsn(r.cname),
        5: ticketToAsn(r.ticket),
        6: encryptedDataToAsn(r.encPart),
      }),
    ),
  );
}

/** Decodes an AS-REP or TGS-REP; `expect` restricts which one is acceptable. */
export function decodeKdcRep(der: Uint8Array, expect?: KdcRep['msgType']): KdcRep {
  const block = parseDer(der, 'KDC-REP');
  const { tagNumber } = tagOf(block);
  if (tagNumber !== MSG_TYPE.AS_REP && tagNumber !== MSG_TYPE.TGS_REP) throw badFormat('KDC-REP', `unexpected application tag ${tagNumber}`);
  if (expect !== undefined && tagNumber !== expect) throw badFormat('KDC-REP', `got msg-type ${tagNumber}, expected ${expect}`);
  const what = tagNumber === MSG_TYPE.AS_REP ? 'AS-REP' : 'TGS-REP';
  const f = asApp(block, tagNumber, what);
  checkHeader(f, 0, tagNumber, what);
  const pa = f.opt(2);
  return {
    msgType: tagNumber,
    ...(pa ? { padata: paDataListFromAsn(pa, f.path('padata')) } : {}),
    crealm: asKString(f.req(3, 'crealm'), f.path('crealm')),
    cname: principalNameFromAsn(f.req(4, 'cname'), f.path('cname')),
    ticket: ticketFromAsn(f.req(5, 'ticket'), f.path('ticket')),
    encPart: encryptedDataFromAsn(f.req(6, 'enc-part'), f.path('enc-part')),
  };
}

const optTime = (v: number | undefined): Asn | undefined => (v === undefined ? undefined : ktime(v));

/** Encodes EncASRepPart (tag 25) or EncTGSRepPart (tag 26). */
export function encodeEncKdcRepPart(p: EncKdcRepPart, tag: number = APP_TAG.ENC_AS_REP_PART): Buffer {
  return toDer(
    app(
      tag,
      seq({
        0: encryptionKeyToAsn(p.key),
        1: seqOf(p.lastReq.map((l) => seq({ 0: int(l.lrType), 1: ktime(l.lrValue) }))),
        2: int(p.nonce >>> 0),
        3: optTime(p.keyExpiration),
        4: bits32(p.flags),
        5: ktime(p.authTime),
        6: optTime(p.startTime),
        7: ktime(p.endTime),
        8: optTime(p.renewTill),
        9: kstr(p.srealm),
        10: principalNameToAsn(p.sname),
        11: p.caddr ? hostAddressesToAsn(p.caddr) : undefined,
        12: p.encryptedPaData ? paDataListToAsn(p.encryptedPaData) : undefined,
      }),
    ),
  );
}

/** Decodes EncASRepPart or EncTGSRepPart (either tag is accepted for either reply, as MIT does). */
export function decodeEncKdcRepPart(der: Uint8Array): EncKdcRepPart {
  const what = 'EncKDCRepPart';
  const block = parseDer(der, what);
  const { tagNumber } = tagOf(block);
  if (tagNumber !== APP_TAG.ENC_AS_REP_PART && tagNumber !== APP_TAG.ENC_TGS_REP_PART) {
    throw badFormat(what, `expected [APPLICATION 25] or [APPLICATION 26], found tag ${tagNumber}`);
  }
  const f = asApp(block, tagNumber, what);
  const t = (tag: number, name: string) => (f.opt(tag) ? { [name]: asTime(f.opt(tag)!, f.path(name)) } : {});
  const [caddr, epa] = [f.opt(11), f.opt(12)];
  return {
    key: encryptionKeyFromAsn(f.req(0, 'key'), f.path('key')),
    lastReq: asSeqOf(f.req(1, 'last-req'), f.path('last-req')).map((item) => {
      const l = asSeq(item, f.path('last-req'));
      return { lrType: asInt(l.req(0, 'lr-type'), l.path('lr-type')), lrValue: asTime(l.req(1, 'lr-value'), l.path('lr-value')) };
    }),
    nonce: asInt(f.req(2, 'nonce'), f.path('nonce')) >>> 0,
    ...t(3, 'keyExpiration'),
    flags: asBits32(f.req(4, 'flags'), f.path('flags')),
    authTime: asTime(f.req(5, 'authtime'), f.path('authtime')),
    ...t(6, 'startTime'),
    endTime: asTime(f.req(7, 'endtime'), f.path('endtime')),
    ...t(8, 'renewTill'),
    srealm: asKString(f.req(9, 'srealm'), f.path('srealm')),
    sname: principalNameFromAsn(f.req(10, 'sname'), f.path('sname')),
    ...(caddr ? { caddr: hostAddressesFromAsn(caddr, f.path('caddr')) } : {}),
    ...(epa ? { encryptedPaData: paDataListFromAsn(epa, f.path('encrypted-pa-data')) } : {}),
  };
}
