/**
 * Adapts the delegation-token secret manager to the RPC layer's TokenAuthority (TOKEN / DIGEST-MD5
 * authentication; Hadoop's SaslRpcServer.SaslDigestCallbackHandler): the password of a live token
 * from `retrievePassword` (InvalidToken when unknown, expired or cancelled), and the user the token
 * stands for from its identifier (owner; real user for proxy tokens).
 */
import type { TokenAuthority, TokenUser } from '../../security/sasl/rpc/sasl-rpc-server.ts';
import type { DelegationTokenSecretManager } from '../../security/token/secret-manager.ts';
import { DelegationTokenIdentifier } from '../../security/token/delegation-token-identifier.ts';
import { invalidToken } from '../../security/token/token-errors.ts';

export function delegationTokenAuthority(sm: DelegationTokenSecretManager): TokenAuthority {
  return {
    retrievePassword: (identifier) => sm.retrievePassword(identifier),
    identify(identifier): TokenUser {
      const id = DelegationTokenIdentifier.decode(identifier, sm.kind);
      const user = id.user();
      if (!user) throw invalidToken('TOKEN_INVALID', `Token with no owner (${id.toString()})`, { sequenceNumber: id.sequenceNumber });
      return {
        user: user.userName,
        realUser: user.realUser,
        attributes: { tokenKind: id.kind, tokenSequenceNumber: id.sequenceNumber, tokenRenewer: id.renewer },
      };
    },
  };
}
