/**
 * The decision points the SASL servers call, for any resolver: `decideServerQop` (the offer for a
 * peer, optionally with the authenticated principal) and `checkNegotiatedQop` (after SASL, is the
 * negotiated QOP enough for this principal?). Both publish on the `hsec:resolver:decision`
 * diagnostics channel and log at debug; resolvers that do not explain themselves are wrapped
 * (their getServerProperties answer, rule "resolver <name>"; no post-SASL rules).
 */
import { channel } from 'node:diagnostics_channel';
import { AccessControlError } from '../../lib/errors/index.ts';
import { getLogger, type Logger } from '../../lib/log/logger.ts';
import type { Qop } from '../sasl/mechanism.ts';
import { describeRule, type NegotiatedCheck, type QopDecision, type ServerPeer } from './decision.ts';
import type { SaslPropertiesResolver } from './sasl-properties-resolver.ts';

export const decisionChannel = channel('hsec:resolver:decision');

/** Payload of `hsec:resolver:decision`. */
export interface DecisionEvent {
  /** 'offer': the QOP list the server offers; 'negotiated': the post-SASL check. */
  readonly stage: 'offer' | 'negotiated';
  readonly address: string | undefined;
  readonly ingressPort: number | undefined;
  readonly principal: string | undefined;
  /** Offer: the list offered. Negotiated: the QOP negotiated. */
  readonly qop: readonly Qop[];
  readonly allowed: boolean;
  readonly rule: QopDecision['rule'];
  /** describeRule(rule). */
  readonly reason: string;
}

let log: Logger | undefined; // created on first use, not at module load

/** The decision without side effects (for resolvers composing others). */
export function evaluateServerQop(resolver: SaslPropertiesResolver, peer: ServerPeer): QopDecision {
  if (resolver.evaluateServer) return resolver.evaluateServer(peer);
  return { qop: resolver.getServerProperties(peer.address, peer.ingressPort).qop, rule: { kind: 'resolver', name: resolver.constructor.name } };
}

/** The server's QOP offer for `peer`, published and logged. */
export function decideServerQop(resolver: SaslPropertiesResolver, peer: ServerPeer): QopDecision {
  const decision = evaluateServerQop(resolver, peer);
  report({ stage: 'offer', address: peer.address, ingressPort: peer.ingressPort, principal: peer.principal, qop: decision.qop, allowed: true, rule: decision.rule });
  return decision;
}

/**
 * After SASL: whether `negotiated` satisfies the rules for `principal` (for tokens: the token
 * owner; call once more for the real user of a proxy token). Published and logged; a refusal is
 * turned into an error by `negotiatedQopRefused`.
 */
export function checkNegotiatedQop(resolver: SaslPropertiesResolver, principal: string, negotiated: Qop, peer?: Omit<ServerPeer, 'principal'>): NegotiatedCheck {
  const check: NegotiatedCheck = resolver.checkNegotiated?.(principal, negotiated) ?? {
    allowed: true,
    principal,
    negotiated,
    required: undefined,
    rule: { kind: 'no-principal-rule' },
  };
  report({ stage: 'negotiated', address: peer?.address, ingressPort: peer?.ingressPort, principal, qop: [negotiated], allowed: check.allowed, rule: check.rule });
  return check;
}

/** The error for a refused check: names the principal, the rule, the negotiated and the required QOPs. */
export function negotiatedQopRefused(check: NegotiatedCheck): AccessControlError {
  const required = (check.required ?? []).join(',');
  return new AccessControlError(
    'ACCESS_DENIED',
    `${check.principal} negotiated SASL QOP ${check.negotiated}, but ${describeRule(check.rule)} requires [${required}]; ` +
      'the client must offer privacy (hadoop.rpc.protection=privacy on the client)',
    { principal: check.principal, qop: check.negotiated, requiredQop: check.required ?? [], rule: describeRule(check.rule) },
  );
}

function report(event: Omit<DecisionEvent, 'reason'>): void {
  const reason = describeRule(event.rule);
  if (decisionChannel.hasSubscribers) decisionChannel.publish({ ...event, reason } satisfies DecisionEvent);
  log ??= getLogger('resolver');
  if (log.isLevelEnabled('debug')) {
    log.debug({ stage: event.stage, remoteAddress: event.address, ingressPort: event.ingressPort, principal: event.principal, qop: event.qop, allowed: event.allowed }, `SASL QOP ${event.stage}: ${reason}`);
  }
}
