/**
 * `hsec dtutil`, after Hadoop's `hadoop dtutil` (DtUtilShell / DtFileOperations), with Hadoop's
 * single-dash options anywhere after the verb and each verb's own usage line (`hsec dtutil help`,
 * or `hsec dtutil VERB -help`):
 *   print [-alias A] FILE...           tokens (only service = A), as DtFileOperations.printCredentials
 *   get URL [-service hdfs] [-format F] [-alias A] [-renewer R] FILE   fetch a NameNode token and add
 *       it under its service; with -alias also a copy whose service is A (DtFileOperations.getTokenFile).
 *       URL: hdfs://HOST[:PORT] (port 8020 by default), or http(s)://HOST[:PORT] with -service hdfs
 *   edit -service S -alias A [-format F] FILE...   add a copy of each token of service S under alias A
 *   append [-format F] F1 F2... FN     merge F1..F(N-1) into FN (later files win on the same alias)
 *   remove -alias A [-format F] FILE...  drop tokens whose service is A
 *   cancel -alias A [-format F] FILE...  cancel them at their NameNode, then drop them
 *   renew -alias A [-format F] FILE...   renew them at their NameNode
 *   import BASE64 [-alias A] [-format F] FILE  add a URL-string token (alias overrides its service)
 * `-keytab K -principal P` (before or after the verb) logs in from a keytab for get/renew/cancel, as
 * DtUtilShell does; otherwise the login user (ticket cache, HADOOP_TOKEN_FILE_LOCATION). Files are
 * written 0600 in `-format protobuf` (default, HDTS version 1) or `java` (WRITABLE). Unlike Hadoop,
 * a file that does not exist is an error, not skipped, and an -alias that matches no token in a file
 * to renew, cancel, remove or edit is an error naming the services the file holds; secret keys in a
 * file are kept when its tokens are rewritten.
 */
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { HsecError } from '../../../lib/errors/index.ts';
import { cliConfigSource, type CliConfigArg } from '../generic-options.ts';
import { loadCliConfiguration } from '../cli-configuration.ts';
import { UsageError } from '../usage.ts';
import { User } from '../../../security/identity/user.ts';
import { Credentials, type CredentialsFormat } from '../../../security/token/credentials.ts';
import { readTokenStorageFile, writeTokenStorageFile } from '../../../security/token/credentials-file.ts';
import { Token } from '../../../security/token/token.ts';
import { DelegationTokenIdentifier } from '../../../security/token/delegation-token-identifier.ts';
import type { Configuration } from '../../../lib/config/index.ts';
import type { CliIo } from './fetchdt.ts';
import { HdfsClient } from '../../client/hdfs-client.ts';
import { cancelToken, isManaged, renewToken } from '../../client/token-renewer.ts';
import { acquireRpcClient } from '../../client/shared-rpc-client.ts';
import { HDFS_DEFAULT_PORT, parseHdfsUri } from '../../protocol/namenode-address.ts';

const FORMAT = '[-format (java|protobuf)]';
/** DtUtilShell.DT_USAGE and each SubCommand's getUsage(), with hsec for hadoop. */
const USAGES: Readonly<Record<string, string>> = {
  print: 'hsec dtutil print [-alias <alias>] filename...',
  get: `hsec dtutil get URL [-service <scheme>] ${FORMAT} [-alias <alias>] [-renewer <renewer>] filename`,
  edit: `hsec dtutil edit -service <service> -alias <alias> ${FORMAT} filename...`,
  append: `hsec dtutil append ${FORMAT} filename...`,
  remove: `hsec dtutil remove -alias <alias> ${FORMAT} filename...`,
  cancel: `hsec dtutil cancel -alias <alias> ${FORMAT} filename...`,
  renew: 'hsec dtutil renew -alias <alias> filename...',
  import: `hsec dtutil import <base64> [-alias <alias>] ${FORMAT} filename`,
};
const DT_USAGE = 'hsec dtutil [-keytab <keytab_file> -principal <principal_name>] subcommand (help|print|get|edit|append|cancel|remove|renew|import) [-format (java|protobuf)] [-alias <alias>] filename...';

/** The full usage text (DtUtilShell.getCommandUsage). */
export function dtutilUsage(): string {
  return `${DT_USAGE}\n${Object.values(USAGES).map((u) => `   ${u}`).join('\n')}\n`;
}

interface Parsed {
  sub: string;
  alias?: string;
  service?: string;
  renewer?: string;
  keytab?: string;
  principal?: string;
  format: CredentialsFormat;
  help: boolean;
  args: string[];
}

function usage(sub: string | undefined, reason: string): UsageError {
  return new UsageError(reason, sub && USAGES[sub] ? USAGES[sub] : DT_USAGE, { option: 'dtutil' });
}

const OPTIONS = /^--?(alias|format|renewer|service|keytab|principal)$/;

/** Parses dtutil's argument list (options may use one or two dashes and appear anywhere). */
export function parseDtutilArgs(argv: readonly string[]): Parsed {
  const p: Parsed = { sub: '', format: 'protobuf', help: false, args: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-help' || a === '--help' || a === '-h') {
      p.help = true;
      continue;
    }
    const name = OPTIONS.exec(a)?.[1];
    if (!name) {
      if (!p.sub) p.sub = a;
      else p.args.push(a);
      continue;
    }
    const v = argv[++i];
    if (v === undefined) throw usage(p.sub, `Option -${name} needs a value`);
    if (name === 'format') {
      if (v !== 'java' && v !== 'protobuf') throw usage(p.sub, `-format must be 'java' or 'protobuf' not '${v}'`);
      p.format = v === 'java' ? 'writable' : 'protobuf';
    } else p[name as 'alias' | 'renewer' | 'service' | 'keytab' | 'principal'] = v;
  }
  return p;
}

/**
 * The NameNode address of `dtutil get URL` (DtFileOperations.getTokenFile + HdfsDtFetcher):
 * `http://` / `https://` prefixes are stripped; the HDFS fetcher serves a URL starting with `hdfs`
 * or any URL with `-service hdfs`, prepending `hdfs://` when missing; the port defaults to 8020.
 */
export function dtutilGetAddress(url: string, service?: string): { host: string; port: number } {
  const stripped = url.replace(/^http:\/\//, '').replace(/^https:\/\//, '');
  if (service !== undefined ? service !== 'hdfs' : !stripped.startsWith('hdfs')) {
    throw usage('get', `No token fetcher for ${service !== undefined ? `service '${service}'` : url}: hsec dtutil get fetches NameNode tokens (hdfs://HOST[:PORT], or -service hdfs)`);
  }
  const uri = parseHdfsUri(stripped.startsWith('hdfs://') ? stripped : `hdfs://${stripped}`);
  if (!uri) throw usage('get', `get needs an hdfs://HOST[:PORT] URL (port ${HDFS_DEFAULT_PORT} by default), got ${url}`);
  return { host: uri.host, port: uri.port };
}

export function register(program: Command): void {
  program
    .command('dtutil')
    .description('inspect and manage token storage files (print, get, edit, append, remove, cancel, renew, import); hsec dtutil help for each verb')
    .usage('[-keytab K -principal P] print|get|edit|append|remove|cancel|renew|import|help [options] FILE...')
    .helpOption(false)
    .allowUnknownOption()
    .argument('[args...]')
    .action(async (args: string[], _opts: unknown, command: Command) => {
      process.exitCode = await runDtutil(cliConfigSource(command), args);
    });
}

async function readOrEmpty(file: string): Promise<Credentials> {
  return existsSync(file) ? readTokenStorageFile(file) : new Credentials();
}

/** `config`: a conf dir, or `{ confDir, overrides }` (the generic `--config` / `-D` options). */
export async function runDtutil(config: CliConfigArg, argv: readonly string[], io: CliIo = {}): Promise<number> {
  const out = io.out ?? ((s: string) => void process.stdout.write(s));
  const env = io.env ?? process.env;
  const p = parseDtutilArgs(argv);
  if (p.sub === 'help' || (p.help && !p.sub) || (!p.sub && argv.length === 0)) {
    out(dtutilUsage());
    return p.sub === 'help' || p.help ? 0 : 2;
  }
  if (!(p.sub in USAGES)) throw usage(undefined, `Unknown subcommand ${p.sub}`);
  if (p.help) {
    out(`Usage: ${USAGES[p.sub]}\n`);
    return 0;
  }
  if ((p.keytab === undefined) !== (p.principal === undefined)) throw usage(p.sub, '-principal and -keytab must be given together');
  const files = p.args;
  switch (p.sub) {
    case 'print':
      if (files.length === 0) throw usage('print', 'print needs at least one file');
      for (const f of files) out(`File: ${f}\n${printCredentials(await readTokenStorageFile(f), p.alias)}`);
      return 0;
    case 'append': {
      if (files.length < 2) throw usage('append', 'append needs at least two files');
      const merged = new Credentials();
      for (const f of files) merged.addAll(await readTokenStorageFile(f));
      await writeTokenStorageFile(files[files.length - 1]!, merged, p.format);
      return 0;
    }
    case 'edit':
      if (p.service === undefined) throw usage('edit', 'must pass -service field with dtutil edit command');
      if (p.alias === undefined) throw usage('edit', 'must pass -alias field with dtutil edit command');
      if (files.length === 0) throw usage('edit', 'edit needs at least one file');
      for (const file of files) await editFile(file, p.service, p.alias, p.format);
      return 0;
    case 'remove':
    case 'cancel':
    case 'renew':
      return aliasOperation(p, config, out, env);
    case 'import': {
      const [encoded, file] = files;
      if (!encoded || !file || files.length !== 2) throw usage('import', 'import needs a base64 token and one file');
      let token = Token.decodeFromUrlString(encoded);
      if (p.alias !== undefined) token = token.withService(p.alias);
      const creds = await readOrEmpty(file);
      await writeTokenStorageFile(file, creds.addToken(token.service, token), p.format);
      return 0;
    }
    default: {
      const [url, file] = files;
      if (!url || !file || files.length !== 2) throw usage('get', 'get needs a URL (hdfs://HOST[:PORT]) and one file');
      const nameNode = dtutilGetAddress(url, p.service);
      const conf = loadCliConfiguration(config, env);
      const user = await loginUser(p, conf, env);
      const hdfs = await HdfsClient.connect({ conf, user, nameNode, env });
      try {
        const token = await hdfs.getDelegationToken(p.renewer ?? '');
        // DtFileOperations.getTokenFile: the token under its service (HdfsDtFetcher), plus with -alias
        // a copy whose service is the alias, under the alias.
        const creds = (await readOrEmpty(file)).addToken(token.service, token);
        if (p.alias !== undefined) creds.addToken(p.alias, token.withService(p.alias));
        await writeTokenStorageFile(file, creds, p.format);
      } finally {
        hdfs.close();
        user.close();
      }
      return 0;
    }
  }
}

/** `-keytab K -principal P`, else the login user (UGI.getLoginUser). */
function loginUser(p: Parsed, conf: Configuration, env: NodeJS.ProcessEnv): Promise<User> {
  return p.keytab !== undefined ? User.fromKeytab(p.principal!, p.keytab, { conf, env }) : User.login(conf, { env });
}

/** DtFileOperations.aliasTokenFile: a copy of each token of `service` under `alias`. */
async function editFile(file: string, service: string, alias: string, format: CredentialsFormat): Promise<void> {
  const creds = await readTokenStorageFile(file);
  const matches = creds.tokens().filter(([, t]) => t.service === service);
  if (matches.length === 0) throw noMatch(file, creds, service, 'edit');
  for (const [, token] of matches) creds.addToken(alias, token.withService(alias));
  await writeTokenStorageFile(file, creds, format);
}

function noMatch(file: string, creds: Credentials, service: string, sub: string): HsecError {
  const services = [...new Set(creds.tokens().map(([, t]) => t.service))];
  return new HsecError('NOTHING_SELECTED', `dtutil ${sub}: no token in ${file} has service ${service}${services.length ? ` (it holds: ${services.join(', ')})` : ' (it holds no tokens)'}`, {
    path: file,
    alias: service,
  });
}

/** remove / cancel / renew: act on tokens whose service is the alias, then rewrite each file. */
async function aliasOperation(p: Parsed, config: CliConfigArg, out: (s: string) => void, env: NodeJS.ProcessEnv): Promise<number> {
  if (p.alias === undefined) throw usage(p.sub, `-alias flag is not optional for ${p.sub}`);
  if (p.args.length === 0) throw usage(p.sub, `${p.sub} needs at least one file`);
  const files = await Promise.all(p.args.map(async (file) => ({ file, creds: await readTokenStorageFile(file) })));
  for (const { file, creds } of files) {
    if (!creds.tokens().some(([, t]) => t.service === p.alias)) throw noMatch(file, creds, p.alias, p.sub);
  }
  const conf = p.sub === 'remove' ? undefined : loadCliConfiguration(config, env);
  const user = conf ? await loginUser(p, conf, env) : undefined;
  // One login and one set of connections for every token (the shared RpcClient stays up until released).
  const connections = conf ? acquireRpcClient(conf) : undefined;
  try {
    for (const { file, creds } of files) {
      const kept = new Credentials();
      for (const [alias, secret] of creds.secrets()) kept.addSecret(alias, secret);
      for (const [alias, token] of creds.tokens()) {
        const match = token.service === p.alias;
        if (match && p.sub === 'renew' && isManaged(token)) {
          out(`Renewed ${token.kind}:${token.service} until ${formatDate(await renewToken(token, conf!, user!))}\n`);
        } else if (match && p.sub === 'cancel' && isManaged(token)) {
          await cancelToken(token, conf!, user!);
          out(`Canceled ${token.kind}:${token.service}\n`);
        }
        if (!match || p.sub === 'renew') kept.addToken(p.sub === 'renew' ? alias : token.service, token);
      }
      await writeTokenStorageFile(file, kept, p.format);
    }
  } finally {
    connections?.release();
    user?.close();
  }
  return 0;
}

/** Local date-time like Java's `DateFormat.getDateTimeInstance(SHORT, SHORT)` in en-US: `11/22/26, 7:40 AM`. */
export function formatDate(ms: number): string {
  return new Date(ms).toLocaleString('en-US', { year: '2-digit', month: 'numeric', day: 'numeric', hour: 'numeric', minute: '2-digit' });
}

/** DtFileOperations.NA_STRING: renewer and date of a token whose identifier is not a delegation token's. */
const NA = '-NA-';

/**
 * `DtFileOperations.printCredentials`: `%-24s %-20s %-15s %-12s %s` rows (kind, service, renewer,
 * max date, URL string) under a header printed only when a token matches `alias` (all when unset).
 */
export function printCredentials(creds: Credentials, alias?: string): string {
  const fmt = (kind: string, service: string, renewer: string, exp: string, url: string) =>
    `${kind.padEnd(24)} ${service.padEnd(20)} ${renewer.padEnd(15)} ${exp.padEnd(12)} ${url}\n`;
  let out = '';
  for (const [, token] of creds.tokens()) {
    if (alias !== undefined && token.service !== alias) continue;
    if (!out) out = fmt('Token kind', 'Service', 'Renewer', 'Exp date', 'URL enc token') + `${'-'.repeat(80)}\n`;
    const id = token.decodeIdentifier();
    const adti = id instanceof DelegationTokenIdentifier ? id : undefined;
    out += fmt(token.kind, token.service, adti ? adti.renewer : NA, adti ? formatDate(adti.maxDate) : NA, token.encodeToUrlString());
  }
  return out;
}
