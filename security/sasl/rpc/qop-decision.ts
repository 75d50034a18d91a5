/**
 * The QOP decisions of one server connection, wired into its SaslRpcServer: the offer for the
 * client address and ingress port (Hadoop's SaslPropertiesResolver.getServerProperties); for
 * KERBEROS the offer again once GSSAPI knows the client principal (principal rules, RFC 4752
 * section 3.1: the security-layer offer follows the context establishment); and after any exchange,
 * before SUCCESS, the check of the negotiated QOP against the rules for the authenticated user and
 * a token's real user (DIGEST-MD5 offers its QOPs before it knows the token). A refused check is an
 * AccessControlError naming the principal, the rule and both QOPs. The connection then records the
 * QOP granted and the rule that decided it: `qopRule` on its result (hence on the
 * `hsec:rpc:connection` event) and one log line. docs/selective-encryption.md.
 */
import type { Logger } from '../../../lib/log/logger.ts';
import type { ServerAuthenticator } from '../../../lib/rpc/auth-hooks.ts';
import type { AcceptedPeer } from '../../../lib/rpc/server.ts';
import { checkNegotiatedQop, decideServerQop, negotiatedQopRefused } from '../../resolver/decide.ts';
import { describeRule, type QopDecision, type ServerPeer } from '../../resolver/decision.ts';
import type { SaslPropertiesResolver } from '../../resolver/sasl-properties-resolver.ts';
import type { Qop } from '../mechanism.ts';
import { SaslRpcServer, type SaslRpcServerOptions } from './sasl-rpc-server.ts';

/** A SaslRpcServer for `peer` whose QOPs come from `resolver`, recording the deciding rule. */
export function decidingAuthenticator(
  resolver: SaslPropertiesResolver,
  peer: AcceptedPeer,
  options: Omit<SaslRpcServerOptions, 'qop' | 'qopForPrincipal' | 'checkNegotiated'>,
  log: Logger,
): ServerAuthenticator {
  const where: ServerPeer = { address: peer.remoteAddress, ingressPort: peer.localPort };
  let decision: QopDecision = decideServerQop(resolver, where);
  // Only a resolver with principal rules (checkNegotiated) answers differently once the principal is known.
  const principalAware = resolver.checkNegotiated !== undefined;
  const server = new SaslRpcServer({
    ...options,
    qop: decision.qop,
    ...(principalAware
      ? {
          qopForPrincipal: (principal: string) => (decision = decideServerQop(resolver, { ...where, principal })).qop,
          checkNegotiated: (user: string, realUser: string | undefined, qop: Qop) => {
            for (const who of realUser ? [user, realUser] : [user]) {
              const check = checkNegotiatedQop(resolver, who, qop, where);
              if (!check.allowed) throw negotiatedQopRefused(check);
              if (check.rule.kind !== 'no-principal-rule') decision = { qop: decision.qop, rule: check.rule };
            }
          },
        }
      : {}),
  });
  return {
    get simpleAllowed() {
      return server.simpleAllowed;
    },
    advertised: server.advertised,
    async step(msg) {
      const out = await server.step(msg);
      if (!out.done || !out.result) return out;
      const qopRule = describeRule(decision.rule);
      const result = { ...out.result, qopRule };
      if (result.qop !== undefined) {
        log.info(
          { remoteAddress: peer.remoteAddress, remotePort: peer.remotePort, ingressPort: peer.localPort, user: result.user, authMethod: result.authMethod, qop: result.qop, rule: qopRule },
          `SASL QOP ${result.qop} granted to ${result.user ?? '?'} (${result.authMethod}) from ${peer.remoteAddress}: offered [${decision.qop.join(',')}] by ${qopRule}`,
        );
      }
      return { ...out, result };
    },
  };
}
