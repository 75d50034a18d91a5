/**
 * KDC-REQ and KDC-REQ-BODY (RFC 4120 section 5.4.1): AS-REQ ::= [APPLICATION 10] KDC-REQ,
 * TGS-REQ ::= [APPLICATION 12] KDC-REQ; KDC-REQ ::= SEQUENCE { pvno [1], msg-type [2], padata [3]
 * OPT, req-body [4] }; KDC-REQ-BODY ::= SEQUENCE { kdc-options [0], cname [1] OPT, realm [2], sname
 * [3] OPT, from [4] OPT, till [5], rtime [6] OPT, nonce [7] UInt32, etype [8] SEQUENCE OF Int32,
 * addresses [9] OPT, enc-authorization-data [10] OPT, additional-tickets [11] OPT }. The TGS
 * authenticator checksum covers the DER of req-body, so `encodeKdcReqBody` is exported on its own.
 */
import type { PrincipalName } from '../types.ts';
import { checkHeader } from './ap-req.ts';
import { MSG_TYPE, PVNO } from './constants.ts';
import {
  app, asApp, asBits32, asInt, asKString, asSeqOf, asTime, asSeq, bits32, int, kstr, ktime, parseDer, raw, seq, seqOf, tagOf, toDer,
  badFormat, type Asn,
} from './der.ts';
import { encryptedDataFromAsn, encryptedDataToAsn, type EncryptedData } from './encryption.ts';
import { hostAddressesFromAsn, hostAddressesToAsn, type HostAddress } from './host-address.ts';
import { paDataListFromAsn, paDataListToAsn, type PaData } from './pa-data.ts';
import { principalNameFromAsn, principalNameToAsn } from './principal-name.ts';
import { ticketFromAsn, ticketToAsn, type Ticket } from './ticket.ts';

export interface KdcReqBody {
  readonly kdcOptions: number;
  readonly cname?: PrincipalName;
  readonly realm: string;
  readonly sname?: PrincipalName;
  readonly from?: number;
  readonly till: number;
  readonly rtime?: number;
  readonly nonce: number;
  /** Enctypes the client accepts, in preference order. */
  readonly etypes: readonly number[];
  readonly addresses?: readonly HostAddress[];
  readonly encAuthorizationData?: EncryptedData;
  readonly additionalTickets?: readonly Ticket[];
}

export interface KdcReq {
  readonly msgType: typeof MSG_TYPE.AS_REQ | typeof MSG_TYPE.TGS_REQ;
  readonly padata?: readonly PaData[];
  readonly reqBody: KdcReqBody;
}

const opt = <T>(v: T | undefined, f: (v: T) => Asn): Asn | undefined => (v === undefined ? undefined : f(v));

export function kdcReqBodyToAsn(b: KdcReqBody): Asn {
  return seq({
    0: bits32(b.kdcOptions),
    1: opt(b.cname, principalNameToAsn),
    2: kstr(b.realm),
    3: opt(b.sname, principalNameToAsn),
    4: opt(b.from, ktime),
    5: ktime(b.till),
    6: opt(b.rtime, ktime),
    7: int(b.nonce >>> 0),
    8: seqOf(b.etypes.map(int)),
    9: opt(b.addresses, hostAddressesToAsn),
    10: opt(b.encAuthorizationData, encryptedDataToAsn),
    11: opt(b.additionalTickets, (ts) => seqOf(ts.map(ticketToAsn))),
  });
}

/** The DER of KDC-REQ-BODY, the input of the PA-TGS-REQ authenticator checksum (RFC 4120 5.5.1). */
export const encodeKdcReqBody = (b: KdcReqBody): Buffer => toDer(kdcReqBodyToAsn(b));

export function kdcReqBodyFromAsn(block: Asn, what = 'KDC-REQ-BODY'): KdcReqBody {
  const f = asSeq(block, what);
  const o = <T>(tag: number, read: (b: Asn) => T): T | undefined => {
    const v = f.opt(tag);
    return v === undefined ? undefined : read(v);
  };
  const body: Record<string, unknown> = {
    kdcOptions: asBits32(f.req(0, 'kdc-options'), f.path('kdc-options')),
    cname: o(1, (b) => principalNameFromAsn(b, f.path('cname'))),
    realm: asKString(f.req(2, 'realm'), f.path('realm')),
    sname: o(3, (b) => principalNameFromAsn(b, f.path('sname'))),
    from: o(4, (b) => asTime(b, f.path('from'))),
    till: asTime(f.req(5, 'till'), f.path('till')),
    rtime: o(6, (b) => asTime(b, f.path('rtime'))),
    nonce: asInt(f.req(7, 'nonce'), f.path('nonce')) >>> 0,
    etypes: asSeqOf(f.req(8, 'etype'), f.path('etype')).map((e) => asInt(e, f.path('etype'))),
    addresses: o(9, (b) => hostAddressesFromAsn(b, f.path('addresses'))),
    encAuthorizationData: o(10, (b) => encryptedDataFromAsn(b, f.path('enc-authorization-data'))),
    additionalTickets: o(11, (b) => asSeqOf(b, f.path('additional-tickets')).map((t) => ticketFromAsn(t, f.path('additional-tickets')))),
  };
  for (const k of Object.keys(body)) if (body[k] === undefined) delete body[k];
  return body as unknown as KdcReqBody;
}

/**
 * Encodes an AS-REQ or TGS-REQ. `reqBodyDer`, when given, is embedded unchanged so the bytes the
 * authenticator checksum covers are exactly the bytes sent.
 */
export function encodeKdcReq(r: KdcReq, reqBodyDer?: Uint8Array): Buffer {
  const body = reqBodyDer ? raw(reqBodyDer, 'KDC-REQ-BODY') : kdcReqBodyToAsn(r.reqBody);
  return toDer(
    app(r.msgType, seq({ 1: int(PVNO), 2: int(r.msgType), 3: r.padata?.length ? paDataListToAsn(r.padata) : undefined, 4: body })),
  );
}

export function decodeKdcReq(der: Uint8Array): KdcReq {
  const block = parseDer(der, 'KDC-REQ');
  const { tagNumber } = tagOf(block);
  if (tagNumber !== MSG_TYPE.AS_REQ && tagNumber !== MSG_TYPE.TGS_REQ) throw badFormat('KDC-REQ', `unexpected application tag ${tagNumber}`);
  const what = tagNumber === MSG_TYPE.AS_REQ ? 'AS-REQ' : 'TGS-REQ';
  const f = asApp(block, tagNumber, what);
  checkHeader(f, 1, tagNumber, what);
  const pa = f.opt(3);
  return {
    msgType: tagNumber,
    ...(pa ? { padata: paDataListFromAsn(pa, f.path('padata')) } : {}),
    reqBody: kdcReqBodyFromAsn(f.req(4, 'req-body'), f.path('req-body')),
  };
}
