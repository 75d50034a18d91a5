/**
 * Kerberos key usage numbers: RFC 4120 section 7.5.1 (the core protocol), RFC 4121 section 2
 * (GSS-API per-message tokens) and RFC 6113 section 5.4 (FAST), the one table of them in hsec.
 * A usage selects the derived keys (Ke / Ki / Kc) so that ciphertext made for one purpose never
 * verifies for another.
 */
export const KEY_USAGE = {
  /** AS-REQ PA-ENC-TIMESTAMP padata timestamp, encrypted with the client key. */
  AS_REQ_PA_ENC_TIMESTAMP: 1,
  /** AS-REP / TGS-REP Ticket (includes TGS session key or application session key), encrypted with the service key. */
  KDC_REP_TICKET: 2,
  /** AS-REP encrypted part (includes TGS session key), encrypted with the client key. */
  AS_REP_ENC_PART: 3,
  /** TGS-REQ KDC-REQ-BODY AuthorizationData, encrypted with the TGS session key. */
  TGS_REQ_AUTH_DATA_SESSION_KEY: 4,
  /** TGS-REQ KDC-REQ-BODY AuthorizationData, encrypted with the TGS authenticator subkey. */
  TGS_REQ_AUTH_DATA_SUBKEY: 5,
  /** TGS-REQ PA-TGS-REQ AP-REQ Authenticator cksum, keyed with the TGS session key. */
  TGS_REQ_PA_AUTHENTICATOR_CKSUM: 6,
  /** TGS-REQ PA-TGS-REQ AP-REQ Authenticator, encrypted with the TGS session key. */
  TGS_REQ_PA_AUTHENTICATOR: 7,
  /** TGS-REP encrypted part, encrypted with the TGS session key. */
  TGS_REP_ENC_PART_SESSION_KEY: 8,
  /** TGS-REP encrypted part, encrypted with the TGS authenticator subkey. */
  TGS_REP_ENC_PART_SUBKEY: 9,
  /** AP-REQ Authenticator cksum, keyed with the application session key. */
  AP_REQ_AUTHENTICATOR_CKSUM: 10,
  /** AP-REQ Authenticator (includes application authenticator subkey), encrypted with the application session key. */
  AP_REQ_AUTHENTICATOR: 11,
  /** AP-REP encrypted part (includes application session subkey), encrypted with the application session key. */
  AP_REP_ENC_PART: 12,
  /** KRB-PRIV encrypted part. */
  KRB_PRIV_ENC_PART: 13,
  /** KRB-CRED encrypted part. */
  KRB_CRED_ENC_PART: 14,
  /** KRB-SAFE cksum, keyed with a key chosen by the application. */
  KRB_SAFE_CKSUM: 15,
  /** AD-KDCIssued checksum. */
  AD_KDC_ISSUED_CKSUM: 19,
  /** RFC 4121 2: KG-USAGE-ACCEPTOR-SEAL (Wrap tokens sent by the acceptor). */
  GSS_ACCEPTOR_SEAL: 22,
  /** RFC 4121 2: KG-USAGE-ACCEPTOR-SIGN (MIC tokens sent by the acceptor). */
  GSS_ACCEPTOR_SIGN: 23,
  /** RFC 4121 2: KG-USAGE-INITIATOR-SEAL (Wrap tokens sent by the initiator). */
  GSS_INITIATOR_SEAL: 24,
  /** RFC 4121 2: KG-USAGE-INITIATOR-SIGN (MIC tokens sent by the initiator). */
  GSS_INITIATOR_SIGN: 25,
  /** RFC 6113 5.4: KrbFastReq checksum. */
  FAST_REQ_CHKSUM: 50,
  /** RFC 6113 5.4: KrbFastResponse / armored request encryption. */
  FAST_ENC: 51,
  /** RFC 6113 5.4: KrbFastResponse encryption. */
  FAST_REP: 52,
  /** RFC 6113 5.4: KrbFastFinished checksum. */
  FAST_FINISHED: 53,
  /** RFC 6113 5.4.6: encrypted challenge from the client. */
  ENC_CHALLENGE_CLIENT: 54,
  /** RFC 6113 5.4.6: encrypted challenge from the KDC. */
  ENC_CHALLENGE_KDC: 55,
} as const;

export type KeyUsageName = keyof typeof KEY_USAGE;
