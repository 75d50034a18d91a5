/**
 * Turns a KRB-ERROR from a KDC (RFC 4120 section 5.9.1, codes in section 7.5.9) into a typed
 * KerberosError with a stable code, the RFC error name and number, realm, KDC address, the
 * principals involved and what to do. The measured clock skew comes from the KDC's stime/susec
 * against our (injected) clock.
 */
import { KerberosError } from '../../../lib/errors/index.ts';
import type { ErrorCode } from '../../../lib/errors/codes.ts';
import { principalToString, type Principal } from '../types.ts';
import { KRB_ERROR_CODE as E, krbErrorName } from '../messages/error-codes.ts';
import type { KrbError } from '../messages/krb-error.ts';
import { getProfile } from '../crypto/registry.ts';

export interface KdcErrorContext {
  readonly realm: string;
  readonly kdc: string;
  readonly client?: Principal;
  readonly server?: Principal;
  /** Our clock's time when the reply arrived, ms. */
  readonly now: number;
  /** Etypes we offered. */
  readonly requestedEtypes?: readonly number[];
  /** For a keytab login: the keytab path and the kvno of the key we used. */
  readonly keytab?: string;
  readonly kvno?: number;
  /** The operation, e.g. 'AS exchange', 'TGS exchange', 'ticket renewal'. */
  readonly operation: string;
}

const etypeNames = (list: readonly number[] = []) =>
  list.map((e) => {
    try {
      return `${e} (${getProfile(e).name})`;
    } catch {
      return String(e);
    }
  });

/** Formats a skew in ms as "+123 s" (KDC ahead) or "-45 s" (KDC behind). */
const formatSkew = (ms: number) => `${ms >= 0 ? '+' : '-'}${Math.round(Math.abs(ms) / 1000)} s`;

export function kdcErrorToException(err: KrbError, ctx: KdcErrorContext): KerberosError {
  const name = krbErrorName(err.errorCode);
  const client = ctx.client ? principalToString(ctx.client) : undefined;
  const server = ctx.server ? principalToString(ctx.server) : principalToString({ name: err.sname, realm: err.realm });
  const base = {
    errorCode: err.errorCode,
    errorName: name,
    realm: ctx.realm,
    kdc: ctx.kdc,
    principal: client,
    server,
    ...(err.eText ? { eText: err.eText } : {}),
  };
  const at = `${ctx.operation} with KDC ${ctx.kdc} (realm ${ctx.realm}) failed: ${name} (${err.errorCode})${err.eText ? ` "${err.eText}"` : ''}`;
  const make = (code: ErrorCode, advice: string, extra: Record<string, string | number | readonly string[] | undefined> = {}) =>
    new KerberosError(code, `${at}. ${advice}`, { ...base, ...extra });

  switch (err.errorCode) {
    case E.KDC_ERR_C_PRINCIPAL_UNKNOWN:
      return make('KRB_PRINCIPAL_UNKNOWN', `Client principal ${client ?? '(unknown)'} does not exist in realm ${ctx.realm}: check its spelling and realm, or create it (kadmin addprinc)`);
    case E.KDC_ERR_S_PRINCIPAL_UNKNOWN:
      return make('KRB_PRINCIPAL_UNKNOWN', `Service principal ${server} does not exist in realm ${ctx.realm}: check the service principal (host name and realm), or create it (kadmin addprinc -randkey)`);
    case E.KDC_ERR_PREAUTH_FAILED:
    case E.KRB_AP_ERR_BAD_INTEGRITY:
      return make(
        'KRB_PREAUTH_FAILED',
        ctx.keytab
          ? `The KDC rejected the key for ${client} from keytab ${ctx.keytab} (kvno ${ctx.kvno ?? '?'}): the keytab is probably stale (the principal was re-keyed and its kvno bumped). Re-export it (kadmin ktadd -norandkey) and compare kvnos with 'klist -kt' and 'kvno'`
          : `Wrong password for ${client}`,
        { keytab: ctx.keytab, kvno: ctx.kvno },
      );
    case E.KRB_AP_ERR_SKEW: {
      const kdcTime = err.stime + Math.floor(err.susec / 1000);
      const skew = kdcTime - ctx.now;
      return make(
        'KRB_CLOCK_SKEW',
        `Clock skew too great${client ? ` for ${client}` : ''}: the KDC clock is ${formatSkew(skew)} from ours (KDC time ${new Date(kdcTime).toISOString()}, ours ${new Date(ctx.now).toISOString()}); synchronise clocks (NTP) or raise clockskew`,
        { skewMs: skew, kdcTime },
      );
    }
    case E.KDC_ERR_ETYPE_NOSUPP:
      return make(
        'KRB_ENCTYPE_UNSUPPORTED',
        `No common encryption type: we offered ${etypeNames(ctx.requestedEtypes).join(', ') || 'none'}; the KDC has no key of those for ${ctx.operation === 'AS exchange' ? client : server}. Add an AES key to the principal (kadmin cpw/ktadd -e) or adjust default_tkt_enctypes/default_tgs_enctypes/permitted_enctypes`,
        { requested: etypeNames(ctx.requestedEtypes) },
      );
    case E.KRB_AP_ERR_TKT_EXPIRED:
    case E.KDC_ERR_NAME_EXP:
    case E.KDC_ERR_KEY_EXPIRED:
    case E.KDC_ERR_SERVICE_EXP:
      return make('KRB_EXPIRED', 'The ticket, principal or key has expired: log in again (kinit), or renew before renew_till');
    case E.KDC_ERR_CLIENT_REVOKED:
      return make('KRB_KDC_ERROR', `Client ${client} is locked or disabled in realm ${ctx.realm}: ask the realm administrator`);
    case E.KRB_AP_ERR_REPEAT:
      return make('KRB_REPLAY', 'The KDC saw this request before (replay): retry');
    default:
      return make('KRB_KDC_ERROR', 'See the KDC log for details');
  }
}
