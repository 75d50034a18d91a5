/**
 * The Kerberos V5 messages of RFC 4120 section 5, one module per unit, re-exported here. Each
 * type has `encodeX(x): Buffer` / `decodeX(der): X`; nested codecs (`xToAsn` / `xFromAsn`) are
 * for the other message modules.
 */
export * from './constants.ts';
export * from './flags.ts';
export { encodeKerberosTime, decodeKerberosTime, splitTime } from './kerberos-time.ts';
export { principalNameEquals } from './principal-name.ts';
export {
  encodeEncryptedData, decodeEncryptedData, encodeEncryptionKey, decodeEncryptionKey, encodeChecksum, decodeChecksum,
  type EncryptedData, type Checksum,
} from './encryption.ts';
export type { HostAddress } from './host-address.ts';
export { type AuthorizationData, type AuthorizationDataEntry } from './authorization-data.ts';
export { encodeTicket, decodeTicket, encodeEncTicketPart, decodeEncTicketPart, type Ticket, type EncTicketPart, type TransitedEncoding } from './ticket.ts';
export { encodeApReq, decodeApReq, encodeAuthenticator, decodeAuthenticator, type ApReq, type Authenticator } from './ap-req.ts';
export { encodeApRep, decodeApRep, encodeEncApRepPart, decodeEncApRepPart, type ApRep, type EncApRepPart } from './ap-rep.ts';
export {
  encodeMethodData, decodeMethodData, encodePaEncTsEnc, decodePaEncTsEnc, encodeEtypeInfo2, decodeEtypeInfo2,
  type PaData, type PaEncTsEnc, type EtypeInfo2Entry,
} from './pa-data.ts';
export { encodeKdcReq, decodeKdcReq, encodeKdcReqBody, type KdcReq, type KdcReqBody } from './kdc-req.ts';
export { encodeKdcRep, decodeKdcRep, encodeEncKdcRepPart, decodeEncKdcRepPart, type KdcRep, type EncKdcRepPart, type LastReqEntry } from './kdc-rep.ts';
export { encodeKrbError, decodeKrbError, type KrbError } from './krb-error.ts';
export { KRB_ERROR_CODE, krbErrorName } from './error-codes.ts';
export { MAX_DER_BYTES } from './der.ts';
