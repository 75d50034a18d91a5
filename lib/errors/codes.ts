/**
 * Every stable error code hsec raises, in one table. Codes never change meaning once released;
 * add new ones under the family they belong to. Tests assert on codes, not on message text.
 */
export const ERROR_CODES = [
  // configuration
  'CONFIG_INVALID',
  'CONFIG_MISSING',
  'CONFIG_PARSE',
  // SASL
  'SASL_NO_COMMON_QOP',
  'SASL_BAD_RESPONSE',
  'SASL_BAD_CHALLENGE',
  'SASL_AUTH_FAILED',
  'SASL_STATE',
  'SASL_UNSUPPORTED',
  'SASL_INTEGRITY',
  'SASL_REPLAY',
  'SASL_SEQUENCE',
  'SASL_NOT_COMPLETE',
  // Kerberos
  'KRB_KDC_ERROR',
  'KRB_KDC_UNREACHABLE',
  'KRB_CLOCK_SKEW',
  'KRB_PREAUTH_FAILED',
  'KRB_PRINCIPAL_UNKNOWN',
  'KRB_ENCTYPE_UNSUPPORTED',
  'KRB_INTEGRITY',
  'KRB_BAD_FORMAT',
  'KRB_KEYTAB',
  'KRB_KEYTAB_NOT_FOUND',
  'KRB_KEYTAB_NO_ENTRY',
  'KRB_CCACHE',
  'KRB_NO_CREDENTIALS',
  'KRB_EXPIRED',
  'KRB_REPLAY',
  'KRB_NAME',
  'GSS_DEFECTIVE_TOKEN',
  'GSS_BAD_MIC',
  'GSS_SEQUENCE',
  'GSS_CONTEXT',
  // authentication and authorization
  'AUTH_FAILED',
  'ACCESS_DENIED',
  // tokens
  'TOKEN_INVALID',
  'TOKEN_EXPIRED',
  'TOKEN_UNKNOWN',
  'TOKEN_BAD_FORMAT',
  // wire formats
  'PROTOCOL_MALFORMED',
  'PROTOCOL_TRUNCATED',
  'PROTOCOL_TOO_LARGE',
  'PROTOCOL_VERSION',
  // IPC
  'RPC_REMOTE',
  'RPC_CONNECTION_CLOSED',
  'RPC_TIMEOUT',
  // remote services and environment
  'ZK_UNREACHABLE',
  'UNREACHABLE',
  'MISSING_DEPENDENCY',
  'TIMEOUT',
  // lifecycle: a service used before start() or after stop() (a programming error)
  'SERVICE_NOT_RUNNING',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];
