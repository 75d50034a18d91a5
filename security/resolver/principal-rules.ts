/**
 * Principal rules: Kerberos principals whose connections must always be private (auth-conf),
 * wherever they connect from. hsec's own list (Hadoop has no equivalent), one pattern per line in
 * the list format of ./list-text.ts:
 *
 *   etl/*@EXAMPLE.COM     every instance of the etl service principal in EXAMPLE.COM
 *   alice@EXAMPLE.COM     exactly this principal
 *   alice                 alice in any realm, and a bare "alice" (e.g. a token owner without realm)
 *   *@PARTNER.COM         every one-component principal of PARTNER.COM
 *
 * A pattern is `component(/component)*` with an optional `@REALM`; `*` matches any run of
 * characters within one component or the realm (never `/` or `@`). Matching is case-sensitive, as
 * Kerberos names are. Globs rather than regular expressions: a rule reads like the principal it
 * names and cannot accidentally match across components. The first matching line decides (for the
 * decision's rule). Groups are not supported: hsec has no group mapping yet.
 *
 * Two decision points use them (./principal-rules-resolver.ts): the offer, when the mechanism knows
 * the principal before it offers a security layer (GSSAPI, RFC 4752 section 3.1), and
 * `checkNegotiated` after SASL, for DIGEST-MD5 tokens whose owner is known only once the exchange
 * is done. Pure.
 */
import type { Qop } from '../sasl/mechanism.ts';
import type { DecisionRule, NegotiatedCheck } from './decision.ts';
import { listLines } from './list-text.ts';
import type { ListProblem } from './list-problems.ts';
import type { Compiled } from './reloading-list.ts';

/** What a matching principal must negotiate. */
export const PRIVATE_QOP: readonly Qop[] = Object.freeze(['auth-conf'] as Qop[]);

type PrincipalRule = Extract<DecisionRule, { kind: 'principal' }>;

const PATTERN = /^[^\s/@]+(?:\/[^\s/@]+)*(?:@[^\s/@]+)?$/;

interface CompiledPattern {
  readonly rule: PrincipalRule;
  readonly regex: RegExp;
}

export class PrincipalRuleSet {
  /** No rules: nobody is required to use privacy. */
  static readonly NONE = new PrincipalRuleSet([], undefined);

  readonly #exact = new Map<string, PrincipalRule>();
  readonly #patterns: CompiledPattern[] = [];
  readonly #everyone: DecisionRule | undefined;
  readonly size: number;

  /** Fail closed: the rules at `origin` cannot be read, so every principal must use privacy. */
  static unavailable(origin: string): PrincipalRuleSet {
    return new PrincipalRuleSet([], { kind: 'rules-unavailable', origin });
  }

  constructor(rules: readonly PrincipalRule[], everyone: DecisionRule | undefined) {
    this.#everyone = everyone;
    for (const rule of rules) {
      const exact = !rule.pattern.includes('*') && rule.pattern.includes('@');
      if (exact) {
        if (!this.#exact.has(rule.pattern)) this.#exact.set(rule.pattern, rule);
      } else {
        this.#patterns.push({ rule, regex: globToRegExp(rule.pattern) });
      }
    }
    this.size = rules.length;
  }

  /** The rule requiring privacy of every principal (the rules cannot be read), or undefined. */
  get everyone(): DecisionRule | undefined {
    return this.#everyone;
  }

  /** The rule requiring privacy of `principal` (the first matching line), or undefined. */
  match(principal: string): DecisionRule | undefined {
    if (this.#everyone) return this.#everyone;
    const exact = this.#exact.get(principal);
    for (const p of this.#patterns) {
      if (exact && p.rule.line > exact.line) break;
      if (p.regex.test(principal)) return p.rule;
    }
    return exact;
  }
}

/** Parses a rules text (pure): bad patterns are problems, skipped. */
export function parsePrincipalRules(text: string, origin: string): Compiled<PrincipalRuleSet> {
  const rules: PrincipalRule[] = [];
  const problems: ListProblem[] = [];
  for (const { line, text: t } of listLines(text)) {
    if (PATTERN.test(t)) rules.push({ kind: 'principal', pattern: t, origin, line });
    else problems.push({ code: 'LIST_BAD_LINE', origin, line, text: t, reason: 'not a principal pattern (primary[/instance][@REALM], * within a component)' });
  }
  return { value: new PrincipalRuleSet(rules, undefined), entries: rules.length, problems };
}

/**
 * After SASL: a principal a rule names must have negotiated auth-conf. Returns the decision and
 * the rule (rule `no-principal-rule` when none applies).
 */
export function checkNegotiated(rules: PrincipalRuleSet, principal: string, negotiated: Qop): NegotiatedCheck {
  const rule = rules.match(principal);
  if (!rule) return { allowed: true, principal, negotiated, required: undefined, rule: { kind: 'no-principal-rule' } };
  return { allowed: PRIVATE_QOP.includes(negotiated), principal, negotiated, required: PRIVATE_QOP, rule };
}

function globToRegExp(pattern: string): RegExp {
  const at = pattern.indexOf('@');
  const name = at < 0 ? pattern : pattern.slice(0, at);
  const toRegex = (glob: string): string => glob.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[^/@]*');
  const realm = at < 0 ? '(?:@[^/@]*)?' : `@${toRegex(pattern.slice(at + 1))}`;
  return new RegExp(`^${toRegex(name)}${realm}$`);
}
