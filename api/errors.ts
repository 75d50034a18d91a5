/**
 * hsec's typed errors: one base class with a stable `code` (see ERROR_CODES) and families after
 * Hadoop's exception meanings. `err instanceof KerberosError`, `err.code === 'KRB_EXPIRED'`,
 * `err.details.principal` are the API; messages are for people and may be reworded.
 */
export {
  HsecError, ConfigError, SaslError, KerberosError, AuthenticationError, AccessControlError, InvalidTokenError,
  ProtocolError, UnreachableError, MissingDependencyError, RemoteError, FileError, BindError, WritePipelineError,
  ERROR_CODES, type ErrorCode, type ErrorDetails,
} from '../lib/errors/index.ts';
