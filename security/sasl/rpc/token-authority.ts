/**
 * Adapts a delegation-token secret manager (security/token) to the RPC server's TokenAuthority:
 * the DIGEST-MD5 password lookup (SaslRpcServer.SaslDigestCallbackHandler ->
 * retriableRetrievePassword) and the connection user from the identifier's getUser() (owner, with
 * realUser for proxy tokens). The decoded identifier is exposed to handlers as
 * `ctx.attributes.tokenIdentifier`.
 */
import { InvalidTokenError } from '../../../lib/errors/index.ts';
import { DelegationTokenIdentifier } from '../../token/delegation-token-identifier.ts';
import type { DelegationTokenSecretManager } from '../../token/secret-manager.ts';
import type { TokenAuthority } from './sasl-rpc-server.ts';

export function delegationTokenAuthority(secretManager: DelegationTokenSecretManager): TokenAuthority {
  return {
    retrievePassword: (identifier) => secretManager.retrievePassword(identifier),
    identify: (identifier) => {
      const id = DelegationTokenIdentifier.decode(identifier, secretManager.kind);
      const user = id.user();
      if (!user) throw new InvalidTokenError('TOKEN_INVALID', `${secretManager.kind} identifier names no owner`, { kind: secretManager.kind });
      return { user: user.userName, realUser: user.realUser, attributes: { tokenIdentifier: id } };
    },
  };
}
