/**
 * KRB-ERROR inside a GSS context token (RFC 4121 section 4.1, TOK_ID 03 00, carrying the RFC 4120
 * section 5.9.1 KRB-ERROR, codec in ../messages/krb-error.ts). The acceptor sends one when it
 * rejects an AP-REQ (as MIT's acceptor does, so the initiator learns why); the initiator turns a
 * received one into the same typed error the acceptor raised (KRB_AP_ERR_SKEW -> KRB_CLOCK_SKEW ...).
 */
import { KerberosError, type ErrorCode } from '../../../lib/errors/index.ts';
import { KRB_ERROR_CODE, krbErrorName } from '../messages/error-codes.ts';
import { decodeKrbError, encodeKrbError } from '../messages/krb-error.ts';
import type { Principal } from '../types.ts';
import { encodeInitialToken, TOK_ID } from './framing.ts';

const E = KRB_ERROR_CODE;

/** Our error code -> the RFC 4120 error code an acceptor reports for it. */
const WIRE_CODE: Readonly<Partial<Record<ErrorCode, number>>> = {
  KRB_CLOCK_SKEW: E.KRB_AP_ERR_SKEW,
  KRB_REPLAY: E.KRB_AP_ERR_REPEAT,
  KRB_KEYTAB: E.KRB_AP_ERR_BADKEYVER,
  KRB_ENCTYPE_UNSUPPORTED: E.KRB_AP_ERR_NOKEY,
  KRB_INTEGRITY: E.KRB_AP_ERR_BAD_INTEGRITY,
  KRB_EXPIRED: E.KRB_AP_ERR_TKT_EXPIRED,
  KRB_NAME: E.KRB_AP_ERR_BADMATCH,
  GSS_DEFECTIVE_TOKEN: E.KRB_AP_ERR_MSG_TYPE,
  KRB_BAD_FORMAT: E.KRB_AP_ERR_MSG_TYPE,
};

/** RFC 4120 error code -> our error code, for a KRB-ERROR the initiator receives. */
const LOCAL_CODE: Readonly<Record<number, ErrorCode>> = {
  [E.KRB_AP_ERR_BAD_INTEGRITY]: 'KRB_INTEGRITY',
  [E.KRB_AP_ERR_MODIFIED]: 'KRB_INTEGRITY',
  [E.KRB_AP_ERR_TKT_EXPIRED]: 'KRB_EXPIRED',
  [E.KRB_AP_ERR_TKT_NYV]: 'KRB_EXPIRED',
  [E.KRB_AP_ERR_REPEAT]: 'KRB_REPLAY',
  [E.KRB_AP_ERR_SKEW]: 'KRB_CLOCK_SKEW',
  [E.KRB_AP_ERR_BADKEYVER]: 'KRB_KEYTAB',
  [E.KRB_AP_ERR_NOKEY]: 'KRB_KEYTAB',
  [E.KRB_AP_ERR_NOT_US]: 'KRB_KEYTAB',
  [E.KRB_AP_ERR_BADMATCH]: 'KRB_NAME',
};

/** The RFC 4120 error code an acceptor sends for one of our errors (KRB_ERR_GENERIC otherwise). */
export function wireErrorCode(code: ErrorCode): number {
  return WIRE_CODE[code] ?? E.KRB_ERR_GENERIC;
}

/** The error an initiator raises for a KRB-ERROR token body from the acceptor `server`. */
export function describeKrbErrorToken(body: Uint8Array, server: string): KerberosError {
  const e = decodeKrbError(body);
  return new KerberosError(
    LOCAL_CODE[e.errorCode] ?? 'AUTH_FAILED',
    `The acceptor ${server} rejected our AP-REQ with ${krbErrorName(e.errorCode)} (${e.errorCode})${e.eText ? `: ${e.eText}` : ''}`,
    { principal: server, krbErrorCode: e.errorCode },
  );
}

/** Builds the KRB-ERROR context token an acceptor returns for a rejected AP-REQ. */
export function encodeKrbErrorToken(errorCode: number, server: Principal, now: number, eText?: string): Buffer {
  const stime = Math.floor(now / 1000) * 1000;
  const body = encodeKrbError({
    stime,
    susec: (now - stime) * 1000,
    errorCode,
    realm: server.realm,
    sname: server.name,
    ...(eText ? { eText } : {}),
  });
  return encodeInitialToken({ tokenId: TOK_ID.KRB_ERROR, body });
}
