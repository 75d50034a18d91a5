/**
 * The two exception families token operations raise, each tagged with the Hadoop exception class
 * it maps to on the wire (`details.exceptionClassName`, the key lib/rpc/remote-exception.ts reads), so the RPC layer can send Hadoop's class name
 * + message and a Java client rebuilds `SecretManager.InvalidToken` / `AccessControlException`
 * (hadoop-common security/token/SecretManager.java, security/AccessControlException.java).
 */
import { AccessControlError, InvalidTokenError } from '../../lib/errors/index.ts';
import type { ErrorDetails } from '../../lib/errors/index.ts';

export const INVALID_TOKEN_CLASS = 'org.apache.hadoop.security.token.SecretManager$InvalidToken';
export const ACCESS_CONTROL_CLASS = 'org.apache.hadoop.security.AccessControlException';

export type InvalidTokenCode = 'TOKEN_INVALID' | 'TOKEN_EXPIRED' | 'TOKEN_UNKNOWN' | 'TOKEN_BAD_FORMAT';

export function invalidToken(code: InvalidTokenCode, message: string, details: ErrorDetails = {}, cause?: unknown): InvalidTokenError {
  return new InvalidTokenError(code, message, { ...details, exceptionClassName: INVALID_TOKEN_CLASS }, { cause });
}

export function accessDenied(message: string, details: ErrorDetails = {}): AccessControlError {
  return new AccessControlError('ACCESS_DENIED', message, { ...details, exceptionClassName: ACCESS_CONTROL_CLASS });
}
