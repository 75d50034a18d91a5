/**
 * `hadoop.security.auth_to_local`: rules mapping a Kerberos principal to a short (operating-system) user
 * name, after Hadoop's `KerberosName` rule engine and `HadoopKerberosName.setConfiguration`
 * (hadoop-auth util/KerberosName.java). Grammar, rules separated by optional whitespace:
 *
 *   DEFAULT[/L]
 *   RULE:[n:format](match)s/from/to/g/L     -- (match), s/from/to/[g] and /L optional
 *
 * A RULE applies to principals with exactly n components; `format` builds a string from `$0` (realm),
 * `$1`, `$2` (components); `match` is a Java regex that must match all of it; `s/from/to/` replaces the
 * first match (`g`: all matches) with Java replacement syntax; `/L` lower-cases the result. DEFAULT maps
 * a principal of the default realm to its first component. The first rule giving a result wins.
 * Mechanism `hadoop` (default): a result containing `/` or `@`, or no applicable rule, is an error.
 * Mechanism `mit`: both are allowed, and a principal no rule applies to maps to itself.
 * As in Hadoop, only names with one or two components can be mapped; a name with neither a second
 * component nor a realm is already short and is returned unchanged.
 */
import type { Configuration } from '../../../lib/config/configuration.ts';
import { KerberosError } from '../../../lib/errors/index.ts';
import { compileJavaRegex, javaReplace } from './java-regex.ts';
import { KerberosName } from './kerberos-name.ts';
import { isSecurityEnabled } from '../../identity/authentication-method.ts';

export type AuthToLocalMechanism = 'hadoop' | 'mit';

export interface AuthToLocalOptions {
  /** `hadoop` (default) or `mit`, case-insensitive (`hadoop.security.auth_to_local.mechanism`). */
  readonly mechanism?: string;
  /** The default realm (krb5.conf `libdefaults.default_realm`) that DEFAULT compares against. */
  readonly defaultRealm: string;
}

/** The rules Hadoop uses when `hadoop.security.auth_to_local` is unset, by authentication method. */
export const DEFAULT_RULES_KERBEROS = 'DEFAULT';
export const DEFAULT_RULES_SIMPLE = 'RULE:[1:$1] RULE:[2:$1]';

/** Hadoop's `KerberosName.ruleParser`, anchored at the current position (Java `lookingAt`). */
const RULE_PARSER = /\s*((DEFAULT)|(RULE:\[(\d*):([^\]]*)](\(([^)]*)\))?(s\/([^/]*)\/([^/]*)\/(g)?)?))\/?(L)?/y;

interface Rule {
  readonly text: string;
  readonly isDefault: boolean;
  readonly components: number;
  readonly format: string;
  readonly match?: RegExp;
  readonly from?: RegExp;
  readonly to: string;
  readonly toLowerCase: boolean;
}

function nameError(message: string, details: Record<string, string | undefined>): KerberosError {
  return new KerberosError('KRB_NAME', message, details);
}

function ruleText(m: RegExpExecArray): string {
  if (m[2]) return `DEFAULT${m[12] ? '/L' : ''}`;
  const match = m[6] ?? '';
  const subst = m[8] ?? '';
  return `RULE:[${m[4]}:${m[5]}]${match}${subst}${m[12] ? '/L' : ''}`;
}

function parseRules(rules: string): Rule[] {
  const out: Rule[] = [];
  let remaining = rules.trim();
  while (remaining.length > 0) {
    RULE_PARSER.lastIndex = 0;
    const m = RULE_PARSER.exec(remaining);
    if (!m) throw nameError(`Invalid auth_to_local rule: ${remaining}`, { rule: remaining });
    const text = ruleText(m);
    if (m[2]) {
      out.push({ text, isDefault: true, components: 0, format: '', to: '', toLowerCase: m[12] === 'L' });
    } else {
      if (m[4] === '') throw nameError(`Invalid auth_to_local rule ${text}: missing component count`, { rule: text });
      out.push({
        text,
        isDefault: false,
        components: Number(m[4]),
        format: m[5]!,
        match: m[7] === undefined ? undefined : compileJavaRegex(m[7], { whole: true }),
        from: m[9] === undefined ? undefined : compileJavaRegex(m[9], { global: m[11] === 'g' }),
        to: m[10] ?? '',
        toLowerCase: m[12] === 'L',
      });
    }
    remaining = remaining.slice(m[0].length);
  }
  return out;
}

/** Hadoop's `Rule.replaceParameters`: `$n` is params[n]; a `$` without digits or out of range is an error. */
function replaceParameters(rule: Rule, params: readonly string[]): string {
  return rule.format.replace(/\$(\d*)/g, (_all, digits: string) => {
    const n = digits === '' ? NaN : Number(digits);
    if (Number.isNaN(n)) throw nameError(`Bad format in auth_to_local rule ${rule.text}: "$" without a parameter number`, { rule: rule.text });
    if (n >= params.length) {
      throw nameError(`Index ${n} in auth_to_local rule ${rule.text} is outside of the valid range 0 to ${params.length - 1}`, { rule: rule.text });
    }
    return params[n]!;
  });
}

export class AuthToLocal {
  readonly #rules: readonly Rule[];
  readonly #mechanism: AuthToLocalMechanism;
  readonly #defaultRealm: string;

  private constructor(rules: readonly Rule[], mechanism: AuthToLocalMechanism, defaultRealm: string) {
    this.#rules = rules;
    this.#mechanism = mechanism;
    this.#defaultRealm = defaultRealm;
  }

  /** Parses a rule string; a syntax error or a bad regex is KerberosError KRB_NAME naming the rule. */
  static parse(rules: string, options: AuthToLocalOptions): AuthToLocal {
    const mechanism = (options.mechanism ?? 'hadoop').toLowerCase();
    if (mechanism !== 'hadoop' && mechanism !== 'mit') {
      throw nameError(`Invalid auth_to_local rule mechanism "${options.mechanism}": use hadoop or mit`, { mechanism: options.mechanism });
    }
    return new AuthToLocal(parseRules(rules), mechanism, options.defaultRealm);
  }

  /**
   * The rules a configuration asks for (`HadoopKerberosName.setConfiguration`): the value of
   * `hadoop.security.auth_to_local`, or when unset DEFAULT under kerberos authentication and
   * `RULE:[1:$1] RULE:[2:$1]` under simple; mechanism from `hadoop.security.auth_to_local.mechanism`.
   */
  static fromConfiguration(conf: Configuration, options: { defaultRealm: string }): AuthToLocal {
    const kerberos = isSecurityEnabled(conf);
    const rules = conf.get('hadoop.security.auth_to_local') ?? (kerberos ? DEFAULT_RULES_KERBEROS : DEFAULT_RULES_SIMPLE);
    const mechanism = conf.getEnum('hadoop.security.auth_to_local.mechanism', 'hadoop');
    return AuthToLocal.parse(rules, { mechanism, defaultRealm: options.defaultRealm });
  }

  get mechanism(): AuthToLocalMechanism {
    return this.#mechanism;
  }

  /** The parsed rules, one per line, normalised (Hadoop's `KerberosName.getRules()`). */
  get rules(): string {
    return this.#rules.map((r) => r.text).join('\n');
  }

  /** Maps a principal (string or parsed) to its short name; failures are KerberosError KRB_NAME. */
  shortName(principal: string | KerberosName): string {
    const name = typeof principal === 'string' ? KerberosName.parse(principal) : principal;
    if (name.components.length > 2) {
      throw nameError(`Malformed Kerberos name ${name}: auth_to_local maps names of at most two components`, { principal: name.toString() });
    }
    if (name.hostName === undefined && name.realm === undefined) return name.serviceName;
    const params = [name.realm ?? '', ...name.components];
    for (const rule of this.#rules) {
      const result = this.#apply(rule, name, params);
      if (result !== undefined) return result;
    }
    if (this.#mechanism === 'hadoop') {
      // the usual cause: a ticket of another realm than krb5.conf's default_realm (a cache from another cluster's KRB5_CONFIG)
      const otherRealm = name.realm !== undefined && name.realm !== this.#defaultRealm;
      const why = otherRealm ? `its realm ${name.realm} is not the default realm ${this.#defaultRealm} (krb5.conf default_realm), the one DEFAULT maps; ` : '';
      throw nameError(`No auth_to_local rules applied to ${name}: ${why}add a RULE for it to hadoop.security.auth_to_local, or check that KRB5_CONFIG and the ticket cache belong to the same realm`, {
        principal: name.toString(),
        defaultRealm: this.#defaultRealm,
        configKey: 'hadoop.security.auth_to_local',
      });
    }
    return name.toString();
  }

  #apply(rule: Rule, name: KerberosName, params: readonly string[]): string | undefined {
    let result: string | undefined;
    if (rule.isDefault) {
      if (name.realm !== undefined && name.realm === this.#defaultRealm) result = name.serviceName;
    } else if (name.components.length === rule.components) {
      const base = replaceParameters(rule, params);
      if (!rule.match || rule.match.test(base)) {
        result = rule.from ? javaReplace(base, rule.from, rule.to) : base;
      }
    }
    if (result !== undefined && /[/@]/.test(result) && this.#mechanism === 'hadoop') {
      throw nameError(`Non-simple name ${result} after auth_to_local rule ${rule.text}`, { principal: name.toString(), rule: rule.text });
    }
    return result !== undefined && rule.toLowerCase ? result.toLowerCase() : result;
  }
}
