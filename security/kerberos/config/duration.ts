/**
 * MIT's duration syntax (krb5.conf(5) "Time duration"; MIT lib/krb5/krb/str_conv.c
 * `krb5_string_to_deltat`): a bare number of seconds, `h:m[:s]`, or a run of `NdNhNmNs` parts
 * (e.g. `10h`, `7d`, `1d2h30m`). Returns milliseconds.
 */
import { ConfigError } from '../../../lib/errors/index.ts';

const UNIT: Readonly<Record<string, number>> = { d: 86400, h: 3600, m: 60, s: 1 };

export function parseDuration(text: string, configKey = 'duration'): number {
  const t = text.trim();
  if (/^\d+$/.test(t)) return Number(t) * 1000;
  const colon = /^(\d+):(\d{1,2})(?::(\d{1,2}))?$/.exec(t);
  if (colon) return ((Number(colon[1]) * 60 + Number(colon[2])) * 60 + Number(colon[3] ?? 0)) * 1000;
  const parts = t.replace(/\s+/g, '').match(/\d+[dhms]/gi);
  if (parts && parts.join('') === t.replace(/\s+/g, '')) {
    return parts.reduce((ms, p) => ms + Number(p.slice(0, -1)) * UNIT[p.slice(-1).toLowerCase()]! * 1000, 0);
  }
  throw new ConfigError('CONFIG_INVALID', `krb5.conf ${configKey} = '${t}' is not a duration; use seconds, h:m[:s] or e.g. 10h, 7d, 1d2h30m`, {
    configKey,
  });
}
