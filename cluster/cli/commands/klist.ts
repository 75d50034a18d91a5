/**
 * `hsec klist`: lists a FILE credential cache in the layout of MIT `klist -f -e` (klist.c): the cache name,
 * the default principal, then each ticket's start and end times, service principal, renew-until,
 * flags (MIT's letters) and the session-key and ticket enctypes. Config entries are skipped.
 * Exits non-zero with the typed error's message when there is no cache.
 */
import type { Command } from 'commander';
import { loadKrb5Config } from '../../../security/kerberos/config/krb5-conf.ts';
import { readCcacheSync, tickets } from '../../../security/kerberos/ccache/index.ts';
import { getProfile } from '../../../security/kerberos/crypto/registry.ts';
import { decodeTicket, ticketFlagLetters } from '../../../security/kerberos/messages/index.ts';
import { ccachePath } from '../../../security/kerberos/login/ccache-store.ts';
import { principalToString, type Credential } from '../../../security/kerberos/types.ts';

export function register(program: Command): void {
  program
    .command('klist')
    .description('list the tickets in the credential cache (like MIT klist -f -e)')
    .option('-c, --cache <name>', 'credential cache (default: KRB5CCNAME, then default_ccache_name)')
    .action((opts: { cache?: string }) => {
      process.stdout.write(runKlist(opts));
    });
}

const pad = (n: number) => String(n).padStart(2, '0');

/** MIT klist's local date-time in the C locale (strftime "%x %X"), e.g. 11/22/26 07:40:05. */
export function formatTime(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getMonth() + 1)}/${pad(d.getDate())}/${pad(d.getFullYear() % 100)} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

function etypeName(etype: number): string {
  try {
    return getProfile(etype).name;
  } catch {
    return `etype ${etype}`;
  }
}

function describe(c: Credential): string {
  let ticketEtype = 'unknown';
  try {
    ticketEtype = etypeName(decodeTicket(c.ticket).encPart.etype);
  } catch {
    /* an undecodable ticket is still listed */
  }
  const lines = [`${formatTime(c.startTime || c.authTime)}  ${formatTime(c.endTime)}  ${principalToString(c.server)}`];
  // klist.c show_credential with -f -e: "renew until" and "Flags" share a line, then the etypes.
  const flags = `Flags: ${ticketFlagLetters(c.flags)}`;
  lines.push(c.renewTill ? `\trenew until ${formatTime(c.renewTill)}, ${flags}` : `\t${flags}`);
  lines.push(`\tEtype (skey, tkt): ${etypeName(c.sessionKey.etype)}, ${ticketEtype} `);
  return lines.join('\n');
}

export function runKlist(opts: { cache?: string }, env: NodeJS.ProcessEnv = process.env): string {
  const conf = loadKrb5Config(undefined, env);
  const path = ccachePath(conf, opts.cache, env);
  const cc = readCcacheSync(path);
  const out = [
    `Ticket cache: FILE:${path}`,
    `Default principal: ${principalToString(cc.defaultPrincipal)}`,
    '',
    'Valid starting     Expires            Service principal',
    ...tickets(cc).map(describe),
  ];
  return out.join('\n') + '\n';
}
