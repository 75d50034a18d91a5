/**
 * Numbers of the Kerberos V5 protocol (RFC 4120 sections 5.10, 7.5): protocol version, message
 * types (which are also the [APPLICATION n] tags of the messages), the application tags of the
 * encrypted parts, pre-authentication data types (RFC 4120 7.5.2, RFC 6113, MS-KILE), host address
 * and authorization-data types.
 */

export const PVNO = 5;

/** msg-type values (RFC 4120 section 7.5.7); each is also the message's application tag. */
export const MSG_TYPE = {
  AS_REQ: 10,
  AS_REP: 11,
  TGS_REQ: 12,
  TGS_REP: 13,
  AP_REQ: 14,
  AP_REP: 15,
  KRB_SAFE: 20,
  KRB_PRIV: 21,
  KRB_CRED: 22,
  KRB_ERROR: 30,
} as const;

/** [APPLICATION n] tags of the non-message types (RFC 4120 section 5). */
export const APP_TAG = {
  TICKET: 1,
  AUTHENTICATOR: 2,
  ENC_TICKET_PART: 3,
  ENC_AS_REP_PART: 25,
  ENC_TGS_REP_PART: 26,
  ENC_AP_REP_PART: 27,
} as const;

/** padata-type values (RFC 4120 section 7.5.2; RFC 6113; MS-KILE for PAC-REQUEST). */
export const PA_TYPE = {
  TGS_REQ: 1,
  ENC_TIMESTAMP: 2,
  PW_SALT: 3,
  ETYPE_INFO: 11,
  ETYPE_INFO2: 19,
  PAC_REQUEST: 128,
  FX_COOKIE: 133,
  FX_FAST: 136,
  FX_ERROR: 137,
  ENCRYPTED_CHALLENGE: 138,
  ENC_PA_REP: 149,
} as const;

/** addr-type values (RFC 4120 section 7.5.3). */
export const ADDR_TYPE = { IPV4: 2, IPV6: 24, NETBIOS: 20 } as const;

/** ad-type values (RFC 4120 section 7.5.4). */
export const AD_TYPE = { IF_RELEVANT: 1, KDC_ISSUED: 4, AND_OR: 5, MANDATORY_FOR_KDC: 8, WIN2K_PAC: 128 } as const;

/** tr-type of TransitedEncoding (RFC 4120 section 3.3.3.2). */
export const TR_TYPE_DOMAIN_X500_COMPRESS = 1;
