/**
 * KRB-ERROR inside a GSS context token (RFC 4121 section 4.1, TOK_ID 03 00; RFC 4120 section
 * 5.9.1 KRB-ERROR ::= [APPLICATION 30] SEQUENCE { pvno [0], msg-type [1], ctime [2] OPT, cusec
 * [3] OPT, stime [4], susec [5], error-code [6], crealm [7] OPT, cname [8] OPT, realm [9], sname
 * [10], e-text [11] OPT, e-data [12] OPT }). The acceptor sends one when it rejects an AP-REQ
 * (as MIT's acceptor does, so the initiator learns why); the initiator turns a received one into a
 * typed error. Only the fields the GSS layer needs are read or written here.
 */
import { KerberosError, type ErrorCode } from '../../../lib/errors/index.ts';
import { MSG_TYPE, PVNO } from '../messages/constants.ts';
import { app, asApp, asInt, asKString, int, kstr, ktime, parseDer, seq, toDer } from '../messages/der.ts';
import { principalNameToAsn } from '../messages/principal-name.ts';
import type { Principal } from '../types.ts';
import { encodeInitialToken, TOK_ID } from './framing.ts';

/** RFC 4120 section 7.5.9 error codes the AP exchange produces. */
export const KRB_AP_ERR = {
  BAD_INTEGRITY: 31,
  TKT_EXPIRED: 32,
  TKT_NYV: 33,
  REPEAT: 34,
  NOT_US: 35,
  BADMATCH: 36,
  SKEW: 37,
  BADVERSION: 39,
  MSG_TYPE: 40,
  MODIFIED: 41,
  BADKEYVER: 44,
  NOKEY: 45,
  MUT_FAIL: 46,
  INAPP_CKSUM: 50,
  GENERIC: 60,
} as const;

const CODE_OF: Readonly<Record<number, ErrorCode>> = {
  [KRB_AP_ERR.BAD_INTEGRITY]: 'KRB_INTEGRITY',
  [KRB_AP_ERR.MODIFIED]: 'KRB_INTEGRITY',
  [KRB_AP_ERR.TKT_EXPIRED]: 'KRB_EXPIRED',
  [KRB_AP_ERR.TKT_NYV]: 'KRB_EXPIRED',
  [KRB_AP_ERR.REPEAT]: 'KRB_REPLAY',
  [KRB_AP_ERR.SKEW]: 'KRB_CLOCK_SKEW',
  [KRB_AP_ERR.BADKEYVER]: 'KRB_KEYTAB',
  [KRB_AP_ERR.NOKEY]: 'KRB_KEYTAB',
  [KRB_AP_ERR.NOT_US]: 'KRB_KEYTAB',
  [KRB_AP_ERR.BADMATCH]: 'KRB_NAME',
};

/** The error an initiator raises for a KRB-ERROR token body from the acceptor `server`. */
export function describeKrbErrorToken(body: Uint8Array, server: string): KerberosError {
  const f = asApp(parseDer(body, 'KRB-ERROR'), MSG_TYPE.KRB_ERROR, 'KRB-ERROR');
  const errorCode = asInt(f.req(6, 'error-code'), f.path('error-code'));
  const eText = f.opt(11) ? asKString(f.opt(11)!, f.path('e-text')) : '';
  return new KerberosError(
    CODE_OF[errorCode] ?? 'AUTH_FAILED',
    `The acceptor ${server} rejected our AP-REQ with Kerberos error ${errorCode}${eText ? ` (${eText})` : ''}`,
    { principal: server, krbErrorCode: errorCode },
  );
}

/** Builds the KRB-ERROR context token an acceptor returns for a rejected AP-REQ. */
export function encodeKrbErrorToken(errorCode: number, server: Principal, now: number, eText?: string): Buffer {
  const stime = Math.floor(now / 1000) * 1000;
  const body = toDer(
    app(
      MSG_TYPE.KRB_ERROR,
      seq({
        0: int(PVNO),
        1: int(MSG_TYPE.KRB_ERROR),
        4: ktime(stime),
        5: int((now - stime) * 1000),
        6: int(errorCode),
        9: kstr(server.realm),
        10: principalNameToAsn(server.name),
        11: eText ? kstr(eText) : undefined,
      }),
    ),
  );
  return encodeInitialToken({ tokenId: TOK_ID.KRB_ERROR, body });
}
