/**
 * Principal rules on top of any resolver (a decorator): addresses decide as the wrapped resolver
 * does; once the principal is known, a principal named by a rule (./principal-rules.ts) is offered
 * only auth-conf, and `checkNegotiated` refuses a completed exchange that negotiated less. The
 * rules come from `hsec.security.sasl.private.principals.file` (a ListSource; re-read
 * `hsec.security.sasl.private.principals.cache.secs` after each load, negative = never) or, with
 * the ZooKeeper list store, from a znode kept current by a watch (./list-store.ts). A rules
 * list that cannot be read fails closed: every principal must use privacy.
 */
import { getLogger, type Logger } from '../../lib/log/logger.ts';
import type { Clock } from '../../lib/time/clock.ts';
import type { Qop } from '../sasl/mechanism.ts';
import { decideServerQop, evaluateServerQop } from './decide.ts';
import type { NegotiatedCheck, QopDecision, ServerPeer } from './decision.ts';
import { FileListSource, type ListSource } from './list-source.ts';
import { checkNegotiated, parsePrincipalRules, PRIVATE_QOP, PrincipalRuleSet } from './principal-rules.ts';
import { ReloadingList } from './reloading-list.ts';
import { saslProperties, type ConfigSource, type SaslProperties, type SaslPropertiesResolver } from './sasl-properties-resolver.ts';
import { secondsKey } from './config-values.ts';

export const PRIVATE_PRINCIPALS_FILE_KEY = 'hsec.security.sasl.private.principals.file';
export const PRIVATE_PRINCIPALS_CACHE_SECS_KEY = 'hsec.security.sasl.private.principals.cache.secs';

export interface PrincipalRulesOptions {
  readonly source: ListSource;
  /** Reload period in ms; undefined or negative: never. */
  readonly reloadAfterMs?: number | undefined;
  readonly clock?: Clock;
  readonly log?: Logger;
}

export class PrincipalRulesResolver implements SaslPropertiesResolver {
  readonly #base: SaslPropertiesResolver;
  readonly #rules: ReloadingList<PrincipalRuleSet>;

  /**
   * Wraps `base` when there are principal rules: `source` (the list store's: a ZooKeeper znode, kept
   * current by its watch), else the file of hsec.security.sasl.private.principals.file (re-read
   * after ...cache.secs); neither: returns `base`.
   */
  static fromConfig(base: SaslPropertiesResolver, conf: ConfigSource, options: { clock?: Clock; log?: Logger; source?: ListSource } = {}): SaslPropertiesResolver {
    const { source, ...rest } = options;
    if (source) return new PrincipalRulesResolver(base, { source, ...rest });
    const file = conf.get(PRIVATE_PRINCIPALS_FILE_KEY)?.trim();
    if (!file) return base;
    const secs = secondsKey(conf, PRIVATE_PRINCIPALS_CACHE_SECS_KEY, 3600);
    return new PrincipalRulesResolver(base, { source: new FileListSource(file), reloadAfterMs: secs * 1000, ...rest });
  }

  constructor(base: SaslPropertiesResolver, options: PrincipalRulesOptions) {
    this.#base = base;
    this.#rules = new ReloadingList({
      name: 'private principals',
      source: options.source,
      compile: parsePrincipalRules,
      failClosed: PrincipalRuleSet.unavailable(options.source.origin),
      consequence: 'every principal must use privacy (auth-conf)',
      reloadAfterMs: options.reloadAfterMs,
      ...(options.clock ? { clock: options.clock } : {}),
      log: options.log ?? getLogger('resolver.principals'),
    });
  }

  /** No principal yet (Hadoop's contract): the wrapped resolver's answer. */
  getServerProperties(clientAddress: string | undefined, ingressPort?: number): SaslProperties {
    return saslProperties(decideServerQop(this, { address: clientAddress, ingressPort }).qop);
  }

  getClientProperties(serverAddress: string | undefined, ingressPort?: number): SaslProperties {
    return this.#base.getClientProperties(serverAddress, ingressPort);
  }

  evaluateServer(peer: ServerPeer): QopDecision {
    // Without a principal only the fail-closed rule applies: unreadable rules mean privacy for all.
    const rules = this.#rules.current();
    const rule = peer.principal !== undefined ? rules.match(peer.principal) : rules.everyone;
    if (rule) return { qop: PRIVATE_QOP, rule };
    return evaluateServerQop(this.#base, peer);
  }

  checkNegotiated(principal: string, negotiated: Qop): NegotiatedCheck {
    return checkNegotiated(this.#rules.current(), principal, negotiated);
  }

  async ready(): Promise<void> {
    await Promise.all([this.#rules.ready(), this.#base.ready?.()]);
  }

  /** Re-reads the rules now; resolves once applied. */
  reload(): Promise<void> {
    return this.#rules.reload();
  }

  close(): void {
    this.#rules.close();
    this.#base.close?.();
  }
}
