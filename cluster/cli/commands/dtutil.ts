/**
 * `hsec dtutil`, after Hadoop's `hadoop dtutil` (DtUtilShell / DtFileOperations; hadoop-wire.md
 * §12.3), with Hadoop's single-dash options:
 *   print [-alias A] FILE...           print tokens (only service = A)
 *   get URL [-service hdfs] [-renewer R] [-alias A] [-format F] FILE   fetch a NameNode token, append
 *       to FILE under its service; with -alias also a copy whose service is A (DtFileOperations.getTokenFile).
 *       URL: hdfs://HOST[:PORT] (port 8020 by default), or HOST[:PORT] with -service hdfs (HdfsDtFetcher)
 *   append [-format F] F1 F2... FN     merge F1..F(N-1) into FN (later files win on the same alias)
 *   remove -alias A [-format F] FILE...  drop tokens whose service is A
 *   cancel -alias A [-format F] FILE...  cancel them at their NameNode, then drop them
 *   renew -alias A [-format F] FILE...   renew them at their NameNode
 *   import BASE64 [-alias A] [-format F] FILE  add a URL-string token (alias overrides its service)
 * Files are written 0600 in `-format protobuf` (default, HDTS version 1) or `java` (WRITABLE).
 */
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { ConfigError } from '../../../lib/errors/index.ts';
import { cliConfigSource, loadCliConfiguration, type CliConfigArg } from '../generic-options.ts';
import { Credentials } from '../../../security/token/credentials.ts';
import type { CredentialsFormat } from '../../../security/token/credentials.ts';
import { readTokenStorageFile, writeTokenStorageFile } from '../../../security/token/credentials-file.ts';
import { Token } from '../../../security/token/token.ts';
import type { CliIo } from './fetchdt.ts';
import { cancelToken, fetchDelegationToken, formatDate, isManaged, printCredentials, renewToken } from '../../namenode/token-tools.ts';

const USAGE = 'hsec dtutil print|get|append|remove|cancel|renew|import [-alias A] [-format java|protobuf] [-renewer R] ARGS...';

interface Parsed {
  sub: string;
  alias?: string;
  service?: string;
  renewer?: string;
  format: CredentialsFormat;
  args: string[];
}

function usage(reason: string): ConfigError {
  return new ConfigError('CONFIG_INVALID', `${reason}. Usage: ${USAGE}`, { option: 'dtutil' });
}

/** Parses dtutil's argument list (options may use one or two dashes and appear anywhere). */
export function parseDtutilArgs(argv: readonly string[]): Parsed {
  const [sub, ...rest] = argv;
  if (!sub) throw usage('Missing subcommand');
  const p: Parsed = { sub, format: 'protobuf', args: [] };
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    const name = /^--?(alias|format|renewer|service)$/.exec(a)?.[1];
    if (!name) {
      p.args.push(a);
      continue;
    }
    const v = rest[++i];
    if (v === undefined) throw usage(`Option -${name} needs a value`);
    if (name === 'format') {
      if (v !== 'java' && v !== 'protobuf') throw usage(`-format must be java or protobuf, got ${v}`);
      p.format = v === 'java' ? 'writable' : 'protobuf';
    } else if (name === 'alias') p.alias = v;
    else if (name === 'renewer') p.renewer = v;
    else if (name === 'service') p.service = v;
  }
  return p;
}

/** NameNode.DEFAULT_PORT: the port of an hdfs:// URL without one. */
const HDFS_DEFAULT_PORT = 8020;

/**
 * The NameNode address of `dtutil get URL` (DtFileOperations.getTokenFile + HdfsDtFetcher):
 * `http://` / `https://` prefixes are stripped; the HDFS fetcher serves a URL starting with `hdfs`
 * or any URL with `-service hdfs`, prepending `hdfs://` when missing; the port defaults to 8020.
 */
export function dtutilGetAddress(url: string, service?: string): { host: string; port: number } {
  const stripped = url.replace(/^http:\/\//, '').replace(/^https:\/\//, '');
  if (service !== undefined ? service !== 'hdfs' : !stripped.startsWith('hdfs')) {
    throw usage(`No token fetcher for ${service !== undefined ? `service '${service}'` : url}: hsec dtutil get fetches NameNode tokens (hdfs://HOST[:PORT], or -service hdfs)`);
  }
  const full = stripped.startsWith('hdfs://') ? stripped : `hdfs://${stripped}`;
  const m = /^hdfs:\/\/(\[[^\]]+\]|[^/:?#]+)(?::(\d+))?(?:[/?#].*)?$/.exec(full);
  const port = m?.[2] !== undefined ? Number(m[2]) : HDFS_DEFAULT_PORT;
  if (!m || port > 65535) throw usage(`get needs an hdfs://HOST[:PORT] URL, got ${url}`);
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port };
}

export function register(program: Command): void {
  program
    .command('dtutil')
    .description('inspect and manage token storage files (print, get, append, remove, cancel, renew, import)')
    .usage('print|get|append|remove|cancel|renew|import [-alias A] [-format java|protobuf] [-renewer R] ARGS...')
    .allowUnknownOption()
    .argument('[args...]')
    .action(async (args: string[], _opts: unknown, command: Command) => {
      process.exitCode = await runDtutil(cliConfigSource(command), args);
    });
}

async function readOrEmpty(file: string): Promise<Credentials> {
  return existsSync(file) ? readTokenStorageFile(file) : new Credentials();
}

/** `config`: a conf dir, or `{ confDir, overrides }` (the generic `--conf` / `-D` options). */
export async function runDtutil(config: CliConfigArg, argv: readonly string[], io: CliIo = {}): Promise<number> {
  const out = io.out ?? ((s: string) => void process.stdout.write(s));
  const env = io.env ?? process.env;
  const p = parseDtutilArgs(argv);
  const files = p.args;
  switch (p.sub) {
    case 'print':
      if (files.length === 0) throw usage('print needs at least one file');
      for (const f of files) out(`File: ${f}\n${printCredentials(await readTokenStorageFile(f), p.alias)}`);
      return 0;
    case 'append': {
      if (files.length < 2) throw usage('append needs at least two files');
      const merged = new Credentials();
      for (const f of files) merged.addAll(await readTokenStorageFile(f));
      await writeTokenStorageFile(files[files.length - 1]!, merged, p.format);
      return 0;
    }
    case 'remove':
    case 'cancel':
    case 'renew':
      return aliasOperation(p, config, out, env);
    case 'import': {
      const [encoded, file] = files;
      if (!encoded || !file || files.length !== 2) throw usage('import needs a base64 token and one file');
      let token = Token.decodeFromUrlString(encoded);
      if (p.alias !== undefined) token = token.withService(p.alias);
      const creds = await readOrEmpty(file);
      await writeTokenStorageFile(file, creds.addToken(token.service, token), p.format);
      return 0;
    }
    case 'get': {
      const [url, file] = files;
      if (!url || !file || files.length !== 2) throw usage('get needs a URL (hdfs://HOST[:PORT]) and one file');
      const { host, port } = dtutilGetAddress(url, p.service);
      const rpcHost = host.includes(':') ? `[${host}]` : host;
      const conf = loadCliConfiguration(config, env, { 'dfs.namenode.rpc-address': `${rpcHost}:${port}` });
      const token = await fetchDelegationToken(conf, p.renewer ?? '', { env });
      // DtFileOperations.getTokenFile: the token under its service (HdfsDtFetcher), plus with -alias
      // a copy whose service is the alias, under the alias.
      const creds = (await readOrEmpty(file)).addToken(token.service, token);
      if (p.alias !== undefined) creds.addToken(p.alias, token.withService(p.alias));
      await writeTokenStorageFile(file, creds, p.format);
      return 0;
    }
    default:
      throw usage(`Unknown subcommand ${p.sub}`);
  }
}

/** remove / cancel / renew: act on tokens whose service is the alias, then rewrite each file. */
async function aliasOperation(p: Parsed, config: CliConfigArg, out: (s: string) => void, env: NodeJS.ProcessEnv): Promise<number> {
  if (p.alias === undefined) throw usage(`${p.sub} needs -alias`);
  if (p.args.length === 0) throw usage(`${p.sub} needs at least one file`);
  const conf = p.sub === 'remove' ? undefined : loadCliConfiguration(config, env);
  for (const file of p.args) {
    const creds = await readTokenStorageFile(file);
    const kept = new Credentials();
    for (const [alias, secret] of creds.secrets()) kept.addSecret(alias, secret);
    for (const [alias, token] of creds.tokens()) {
      const match = token.service === p.alias;
      if (match && p.sub === 'renew' && isManaged(token)) {
        out(`Renewed ${token.kind}:${token.service} until ${formatDate(await renewToken(conf!, token, { env }))}\n`);
      } else if (match && p.sub === 'cancel' && isManaged(token)) {
        await cancelToken(conf!, token, { env });
        out(`Canceled ${token.kind}:${token.service}\n`);
      }
      if (!match || p.sub === 'renew') kept.addToken(p.sub === 'renew' ? alias : token.service, token);
    }
    await writeTokenStorageFile(file, kept, p.format);
  }
  return 0;
}
