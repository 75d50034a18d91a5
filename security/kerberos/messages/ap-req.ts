/**
 * AP-REQ and Authenticator (RFC 4120 section 5.5.1). AP-REQ ::= [APPLICATION 14] SEQUENCE { pvno
 * [0], msg-type [1], ap-options [2] APOptions, ticket [3] Ticket, authenticator [4] EncryptedData }.
 * Authenticator ::= [APPLICATION 2] SEQUENCE { authenticator-vno [0], crealm [1], cname [2], cksum
 * [3] Checksum OPT, cusec [4], ctime [5], subkey [6] OPT, seq-number [7] UInt32 OPT,
 * authorization-data [8] OPT }. The authenticator is encrypted with the ticket's session key, key
 * usage 11 (AP-REQ) or 7 (PA-TGS-REQ).
 */
import type { EncryptionKey, PrincipalName } from '../types.ts';
import { authorizationDataFromAsn, authorizationDataToAsn, type AuthorizationData } from './authorization-data.ts';
import { APP_TAG, MSG_TYPE, PVNO } from './constants.ts';
import { app, asApp, asBits32, asInt, asKString, asTime, badFormat, bits32, int, kstr, ktime, parseDer, seq, toDer, type Asn, type Fields } from './der.ts';
import {
  checksumFromAsn, checksumToAsn, encryptedDataFromAsn, encryptedDataToAsn, encryptionKeyFromAsn, encryptionKeyToAsn,
  type Checksum, type EncryptedData,
} from './encryption.ts';
import { principalNameFromAsn, principalNameToAsn } from './principal-name.ts';
import { ticketFromAsn, ticketToAsn, type Ticket } from './ticket.ts';

export interface ApReq {
  /** APOptions (see AP_OPTIONS in ./flags.ts). */
  readonly apOptions: number;
  readonly ticket: Ticket;
  readonly authenticator: EncryptedData;
}

export interface Authenticator {
  readonly crealm: string;
  readonly cname: PrincipalName;
  readonly cksum?: Checksum;
  /** Microseconds part of the client time (0..999999). */
  readonly cusec: number;
  /** Client time, ms since the epoch, whole seconds. */
  readonly ctime: number;
  readonly subkey?: EncryptionKey;
  readonly seqNumber?: number;
  readonly authorizationData?: AuthorizationData;
}

/** Checks pvno and msg-type of a KDC/AP message (RFC 4120 section 5.10). */
export function checkHeader(f: Fields, pvnoTag: number, msgType: number, what: string): void {
  const pvno = asInt(f.req(pvnoTag, 'pvno'), f.path('pvno'));
  if (pvno !== PVNO) throw badFormat(what, `pvno ${pvno}, expected ${PVNO}`);
  const mt = asInt(f.req(pvnoTag + 1, 'msg-type'), f.path('msg-type'));
  if (mt !== msgType) throw badFormat(what, `msg-type ${mt}, expected ${msgType}`);
}

export function encodeApReq(r: ApReq): Buffer {
  return toDer(
    app(
      MSG_TYPE.AP_REQ,
      seq({ 0: int(PVNO), 1: int(MSG_TYPE.AP_REQ), 2: bits32(r.apOptions), 3: ticketToAsn(r.ticket), 4: encryptedDataToAsn(r.authenticator) }),
    ),
  );
}

export function apReqFromAsn(block: Asn, what = 'AP-REQ'): ApReq {
  const f = asApp(block, MSG_TYPE.AP_REQ, what);
  checkHeader(f, 0, MSG_TYPE.AP_REQ, what);
  return {
    apOptions: asBits32(f.req(2, 'ap-options'), f.path('ap-options')),
    ticket: ticketFromAsn(f.req(3, 'ticket'), f.path('ticket')),
    authenticator: encryptedDataFromAsn(f.req(4, 'authenticator'), f.path('authenticator')),
  };
}

export const decodeApReq = (der: Uint8Array): ApReq => apReqFromAsn(parseDer(der, 'AP-REQ'));

export function encodeAuthenticator(a: Authenticator): Buffer {
  return toDer(
    app(
      APP_TAG.AUTHENTICATOR,
      seq({
        0: int(PVNO),
        1: kstr(a.crealm),
        2: principalNameToAsn(a.cname),
        3: a.cksum ? checksumToAsn(a.cksum) : undefined,
        4: int(a.cusec),
        5: ktime(a.ctime),
        6: a.subkey ? encryptionKeyToAsn(a.subkey) : undefined,
        7: a.seqNumber === undefined ? undefined : int(a.seqNumber),
        8: a.authorizationData ? authorizationDataToAsn(a.authorizationData) : undefined,
      }),
    ),
  );
}

export function decodeAuthenticator(der: Uint8Array): Authenticator {
  const what = 'Authenticator';
  const f = asApp(parseDer(der, what), APP_TAG.AUTHENTICATOR, what);
  const vno = asInt(f.req(0, 'authenticator-vno'), f.path('authenticator-vno'));
  if (vno !== PVNO) throw badFormat(what, `authenticator-vno ${vno}, expected ${PVNO}`);
  const [cksum, subkey, seqNo, ad] = [f.opt(3), f.opt(6), f.opt(7), f.opt(8)];
  return {
    crealm: asKString(f.req(1, 'crealm'), f.path('crealm')),
    cname: principalNameFromAsn(f.req(2, 'cname'), f.path('cname')),
    ...(cksum ? { cksum: checksumFromAsn(cksum, f.path('cksum')) } : {}),
    cusec: asInt(f.req(4, 'cusec'), f.path('cusec')),
    ctime: asTime(f.req(5, 'ctime'), f.path('ctime')),
    ...(subkey ? { subkey: encryptionKeyFromAsn(subkey, f.path('subkey')) } : {}),
    ...(seqNo ? { seqNumber: asInt(seqNo, f.path('seq-number')) >>> 0 } : {}),
    ...(ad ? { authorizationData: authorizationDataFromAsn(ad, f.path('authorization-data')) } : {}),
  };
}
