/**
 * Errors crossing the IPC boundary travel as Hadoop does (RpcResponseHeaderProto fields 4-6:
 * exceptionClassName, errorMsg, errorDetail; org.apache.hadoop.ipc.RemoteException). This file maps
 * both ways: Java class names received from a server become our typed families (InvalidToken ->
 * InvalidTokenError, AccessControlException -> AccessControlError ...), and our errors raised by a
 * handler become the Java class name a Hadoop client expects.
 */
import {
  AccessControlError,
  AuthenticationError,
  HsecError,
  InvalidTokenError,
  RemoteError,
  SaslError,
  type ErrorCode,
} from '../errors/index.ts';
import { RPC_ERROR_CODE_NAMES } from './constants.ts';

/** Hadoop / JDK exception class names this layer knows by meaning. */
export const JavaException = {
  INVALID_TOKEN: 'org.apache.hadoop.security.token.SecretManager$InvalidToken',
  ACCESS_CONTROL: 'org.apache.hadoop.security.AccessControlException',
  AUTHORIZATION: 'org.apache.hadoop.security.authorize.AuthorizationException',
  SASL: 'javax.security.sasl.SaslException',
  IO: 'java.io.IOException',
  NO_SUCH_METHOD: 'org.apache.hadoop.ipc.RpcNoSuchMethodException',
  NO_SUCH_PROTOCOL: 'org.apache.hadoop.ipc.RpcNoSuchProtocolException',
  RPC_SERVER: 'org.apache.hadoop.ipc.RpcServerException',
  STANDBY: 'org.apache.hadoop.ipc.StandbyException',
  RETRIABLE: 'org.apache.hadoop.ipc.RetriableException',
  IPC_EXCEPTION: 'org.apache.hadoop.ipc.IpcException',
} as const;

type ErrorClass = new (code: ErrorCode, message: string, details?: Record<string, string | number | boolean | undefined>, options?: { cause?: unknown }) => HsecError;

const FAMILY_BY_CLASS: ReadonlyMap<string, [ErrorClass, ErrorCode]> = new Map([
  [JavaException.INVALID_TOKEN, [InvalidTokenError, 'TOKEN_INVALID']],
  [JavaException.ACCESS_CONTROL, [AccessControlError, 'ACCESS_DENIED']],
  [JavaException.AUTHORIZATION, [AccessControlError, 'ACCESS_DENIED']],
  ['org.apache.hadoop.security.authentication.client.AuthenticationException', [AuthenticationError, 'AUTH_FAILED']],
  [JavaException.SASL, [SaslError, 'SASL_AUTH_FAILED']],
]);

export interface RemoteFailure {
  exceptionClassName?: string | undefined;
  errorMsg?: string | undefined;
  errorDetail?: number | undefined;
  fatal: boolean;
  remoteAddress?: string | undefined;
}

/**
 * Rebuilds a server-side failure as a typed error. Known classes become their family (with a
 * RemoteError as `cause`); others are a RemoteError with code RPC_REMOTE. Details always carry
 * exceptionClassName, errorMsg and errorDetail (the RpcErrorCodeProto name).
 */
export function remoteToError(f: RemoteFailure): HsecError {
  const className = f.exceptionClassName ?? JavaException.IO;
  const message = f.errorMsg ?? '(no message)';
  const details = {
    exceptionClassName: className,
    errorMsg: f.errorMsg,
    errorDetail: f.errorDetail === undefined ? undefined : (RPC_ERROR_CODE_NAMES[f.errorDetail] ?? String(f.errorDetail)),
    fatal: f.fatal,
    remoteAddress: f.remoteAddress,
  };
  const remote = new RemoteError('RPC_REMOTE', `${className}: ${message}`, details);
  const family = FAMILY_BY_CLASS.get(className);
  if (!family) return remote;
  const [Cls, code] = family;
  return new Cls(code, `${message} (remote ${className})`, details, { cause: remote });
}

/**
 * The Java class name and message a Hadoop client should see for an error thrown on our side.
 * A RemoteError (or any HsecError) carrying `details.exceptionClassName` keeps that class.
 */
export function errorToRemote(err: unknown): { exceptionClassName: string; errorMsg: string } {
  if (err instanceof HsecError) {
    const explicit = err.details.exceptionClassName;
    if (typeof explicit === 'string') return { exceptionClassName: explicit, errorMsg: err.message };
    if (err instanceof InvalidTokenError) return { exceptionClassName: JavaException.INVALID_TOKEN, errorMsg: err.message };
    if (err instanceof AccessControlError || err instanceof AuthenticationError) {
      return { exceptionClassName: JavaException.ACCESS_CONTROL, errorMsg: err.message };
    }
    if (err instanceof SaslError) return { exceptionClassName: JavaException.SASL, errorMsg: err.message };
    return { exceptionClassName: JavaException.IO, errorMsg: err.message };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { exceptionClassName: JavaException.IO, errorMsg: message };
}

/**
 * Server.getTrueCause: a SASL failure caused by an invalid token (or a Retriable/Standby
 * condition) is reported as that cause, so the client sees SecretManager$InvalidToken rather than
 * a generic SaslException.
 */
export function trueCause(err: unknown): unknown {
  let e: unknown = err;
  for (let depth = 0; e instanceof Error && depth < 10; depth++) {
    if (e instanceof InvalidTokenError) return e;
    if (e instanceof HsecError) {
      const cls = e.details.exceptionClassName;
      if (cls === JavaException.RETRIABLE || cls === JavaException.STANDBY) return e;
    }
    e = (e as { cause?: unknown }).cause;
  }
  return err;
}

/**
 * The class and message of a FATAL_UNAUTHORIZED reply to a failed SASL step (Server.saslProcess:
 * `getTrueCause(e)` then `doSaslReply(Exception)`): an InvalidToken, Retriable or Standby cause
 * keeps its class, an AccessControlException (Server.processSaslMessage: "Client already attempted
 * negotiation", "... authentication is not enabled") stays one, and every other failure is a
 * `javax.security.sasl.SaslException`, as the JDK mechanisms throw it (GssKrb5Server "GSS initiate
 * failed" for a bad ticket, clock skew or replay; DigestMD5Server for a wrong password).
 */
export function saslFailureToRemote(err: unknown): { exceptionClassName: string; errorMsg: string } {
  const cause = trueCause(err);
  if (cause instanceof InvalidTokenError || cause instanceof AccessControlError) return errorToRemote(cause);
  if (cause instanceof HsecError) {
    const cls = cause.details.exceptionClassName;
    if (cls === JavaException.RETRIABLE || cls === JavaException.STANDBY || cls === JavaException.ACCESS_CONTROL || cls === JavaException.INVALID_TOKEN) {
      return errorToRemote(cause);
    }
  }
  const message = cause instanceof Error ? cause.message : String(cause);
  return { exceptionClassName: JavaException.SASL, errorMsg: message };
}
