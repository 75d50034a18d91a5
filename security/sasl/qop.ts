/**
 * Quality-of-protection lists: parsing and formatting the `javax.security.sasl.qop` style lists
 * ("auth-conf,auth-int,auth"), Hadoop's `hadoop.rpc.protection` names (Hadoop's
 * SaslRpcServer.QualityOfProtection: authentication/integrity/privacy <-> auth/auth-int/auth-conf),
 * and the negotiation rule both the JDK and Hadoop apply: the client takes the first QOP of its own
 * preference list that the server offers (AbstractSaslImpl.findPreferredMask).
 */
import { ConfigError, SaslError } from '../../lib/errors/index.ts';
import { ALL_QOPS, type Qop } from './mechanism.ts';

/** Hadoop's `hadoop.rpc.protection` values, in the order of SaslRpcServer.QualityOfProtection. */
export type HadoopProtection = 'authentication' | 'integrity' | 'privacy';

const PROTECTION_TO_QOP: Readonly<Record<HadoopProtection, Qop>> = {
  authentication: 'auth',
  integrity: 'auth-int',
  privacy: 'auth-conf',
};

/** True when `value` is one of the three SASL QOP tokens (case-sensitive, as on the wire). */
export function isQop(value: string): value is Qop {
  return (ALL_QOPS as readonly string[]).includes(value);
}

/**
 * Parses a QOP list as the JDK does (separators: comma, space, tab, newline; tokens
 * case-insensitive). Unknown tokens throw SASL_BAD_CHALLENGE unless `ignoreUnknown` (the JDK
 * ignores unknown tokens in a server's qop-options). Duplicates are dropped, order is kept.
 */
export function parseQopList(list: string, options: { ignoreUnknown?: boolean } = {}): Qop[] {
  const out: Qop[] = [];
  for (const raw of list.split(/[,\s]+/)) {
    if (raw === '') continue;
    const token = raw.toLowerCase();
    if (!isQop(token)) {
      if (options.ignoreUnknown) continue;
      throw new SaslError('SASL_BAD_CHALLENGE', `Unknown SASL QOP "${raw}" in "${list}"; expected auth, auth-int or auth-conf`, { qop: list });
    }
    if (!out.includes(token)) out.push(token);
  }
  return out;
}

/** Formats a QOP list for `javax.security.sasl.qop` or a DIGEST-MD5 qop-options directive. */
export function formatQopList(qops: readonly Qop[]): string {
  return qops.join(',');
}

/**
 * Maps a `hadoop.rpc.protection` value (comma list, trimmed, case-insensitive) to SASL QOPs,
 * keeping the configured order. Unknown items throw CONFIG_INVALID (Hadoop: IllegalArgumentException).
 */
export function parseHadoopProtection(value: string): Qop[] {
  const out: Qop[] = [];
  for (const item of value.split(',')) {
    const name = item.trim().toLowerCase();
    if (name === '') continue;
    const qop = PROTECTION_TO_QOP[name as HadoopProtection];
    if (qop === undefined) {
      throw new ConfigError('CONFIG_INVALID', `Unknown hadoop.rpc.protection value "${item.trim()}" in "${value}"; expected authentication, integrity or privacy`, {
        configKey: 'hadoop.rpc.protection',
      });
    }
    if (!out.includes(qop)) out.push(qop);
  }
  return out;
}

/** The Hadoop name of a QOP (auth -> authentication ...). */
export function qopToHadoopProtection(qop: Qop): HadoopProtection {
  const entry = Object.entries(PROTECTION_TO_QOP).find(([, q]) => q === qop);
  return entry![0] as HadoopProtection;
}

/**
 * The client's choice: the first QOP of the client's preference list that the server offers.
 * Throws SASL_NO_COMMON_QOP naming both lists when there is none.
 */
export function chooseQop(clientPrefs: readonly Qop[], serverOffer: readonly Qop[]): Qop {
  const chosen = clientPrefs.find((q) => serverOffer.includes(q));
  if (chosen === undefined) throw noCommonQop(clientPrefs, serverOffer);
  return chosen;
}

/** The SASL_NO_COMMON_QOP error, with both lists in message and details. */
export function noCommonQop(clientPrefs: readonly Qop[], serverOffer: readonly Qop[]): SaslError {
  const client = formatQopList(clientPrefs);
  const server = formatQopList(serverOffer);
  return new SaslError(
    'SASL_NO_COMMON_QOP',
    `No common SASL quality of protection: client accepts [${client}], server offers [${server}]; ` +
      'align hadoop.rpc.protection (or dfs.data.transfer.protection) on both sides',
    { clientQop: [...clientPrefs], serverQop: [...serverOffer] },
  );
}
