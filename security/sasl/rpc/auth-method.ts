/**
 * Hadoop's SaslRpcServer.AuthMethod table: method name, code, SASL mechanism.
 * The client accepts an advertised auth only when both the method and its mechanism string match.
 */
import type { AuthMethodName } from '../../../lib/rpc/auth-hooks.ts';

export interface AuthMethodInfo {
  readonly name: AuthMethodName;
  readonly code: number;
  readonly mechanism: string;
}

export const AUTH_METHODS: Readonly<Record<AuthMethodName, AuthMethodInfo>> = {
  SIMPLE: { name: 'SIMPLE', code: 80, mechanism: '' },
  KERBEROS: { name: 'KERBEROS', code: 81, mechanism: 'GSSAPI' },
  TOKEN: { name: 'TOKEN', code: 82, mechanism: 'DIGEST-MD5' },
};

/** The method of an advertised SaslAuth when we know it and the mechanism matches; else undefined. */
export function knownAuthMethod(method: string, mechanism: string): AuthMethodName | undefined {
  const info = (AUTH_METHODS as Record<string, AuthMethodInfo | undefined>)[method];
  return info && info.mechanism === mechanism ? info.name : undefined;
}
