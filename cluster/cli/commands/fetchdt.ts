/**
 * `hsec fetchdt [--renewer NAME] [--print | --renew | --cancel] FILE`, after Hadoop's
 * `hdfs fetchdt` (DelegationTokenFetcher): fetch a NameNode delegation token with the Kerberos
 * login in the credential cache and write it as a Credentials file (WRITABLE format, mode 0600,
 * alias = the token's service `ip:port`), or print / renew / cancel the tokens of an existing file
 * (renewals and cancellations go to the NameNode each token names, as one user over shared
 * connections). A missing or expired ticket is reported with a hint to run `hsec kinit`; a file
 * with nothing to renew or cancel is an error, not a silent success. `--webservice` (fetching over
 * WebHDFS) comes with HTTP authentication.
 */
import type { Command } from 'commander';
import { ConfigError, HsecError } from '../../../lib/errors/index.ts';
import { cliConfigSource, type CliConfigArg } from '../generic-options.ts';
import { loadCliConfiguration } from '../cli-configuration.ts';
import { isSecurityEnabled } from '../../../security/identity/authentication-method.ts';
import { User } from '../../../security/identity/user.ts';
import { Credentials } from '../../../security/token/credentials.ts';
import { readTokenStorageFile, writeTokenStorageFile } from '../../../security/token/credentials-file.ts';
import { DelegationTokenIdentifier } from '../../../security/token/delegation-token-identifier.ts';
import { HdfsClient } from '../../client/hdfs-client.ts';
import { cancelToken, isManaged, renewToken } from '../../client/token-renewer.ts';
import { acquireRpcClient } from '../../client/shared-rpc-client.ts';

interface FetchdtOptions {
  readonly renewer?: string;
  readonly print?: boolean;
  readonly renew?: boolean;
  readonly cancel?: boolean;
  readonly verbose?: boolean;
  readonly webservice?: string;
}

export function register(program: Command): void {
  program
    .command('fetchdt')
    .description('fetch a NameNode delegation token into FILE (or --print/--renew/--cancel the tokens in FILE)')
    .usage('[--renewer NAME] [--print [--verbose] | --renew | --cancel] FILE')
    .argument('<file>', 'token storage file')
    .option('--renewer <name>', 'who may renew the token (e.g. the YARN ResourceManager principal)')
    .option('--print', 'print the tokens in FILE')
    .option('--renew', 'renew the tokens in FILE')
    .option('--cancel', 'cancel the tokens in FILE')
    .option('--verbose', 'with --print, print every identifier field')
    .option('--webservice <url>', 'fetch over WebHDFS/HTTP (not available yet: comes with HTTP authentication)')
    .action(async (file: string, opts: FetchdtOptions, command: Command) => {
      process.exitCode = await runFetchdt(cliConfigSource(command), file, opts);
    });
}

/** Output sink and environment (KRB5CCNAME, HADOOP_TOKEN_FILE_LOCATION, HADOOP_CONF_DIR); default the process's. */
export interface CliIo {
  out?: (s: string) => void;
  /** Warnings (default: stderr). */
  err?: (s: string) => void;
  env?: NodeJS.ProcessEnv;
}

/** `config`: a conf dir, or `{ confDir, overrides }` (the generic `--config` / `-D` options). */
export async function runFetchdt(config: CliConfigArg, file: string, opts: FetchdtOptions, io: CliIo = {}): Promise<number> {
  const out = io.out ?? ((s: string) => void process.stdout.write(s));
  const env = io.env ?? process.env;
  const modes = [opts.print, opts.renew, opts.cancel].filter(Boolean).length;
  if (modes > 1) throw new ConfigError('CONFIG_INVALID', 'ERROR: Only specify cancel, renew or print.', { option: 'fetchdt' });
  if (opts.webservice !== undefined) {
    throw new ConfigError('CONFIG_INVALID', `fetchdt --webservice ${opts.webservice}: fetching tokens over HTTP (WebHDFS) is not available yet; it comes with HTTP authentication. Fetch over RPC instead (omit --webservice; fs.defaultFS names the NameNode)`, { option: 'webservice' });
  }
  const conf = loadCliConfiguration(config, env);
  if (modes === 0) {
    // Only a Kerberos login may get a delegation token: with security on, the ticket cache it is.
    const user = isSecurityEnabled(conf) ? await User.fromTicketCache({ conf, env }) : await User.login(conf, { env });
    const hdfs = await HdfsClient.connect({ conf, user, env });
    try {
      const token = await hdfs.getDelegationToken(opts.renewer ?? '');
      await writeTokenStorageFile(file, new Credentials().addToken(token.service, token));
      out(`Fetched token for ${token.service} into ${file}\n`);
    } finally {
      hdfs.close();
      user.close();
    }
    return 0;
  }
  const tokens = (await readTokenStorageFile(file)).tokens().map(([, t]) => t);
  if (opts.print) {
    for (const token of tokens) {
      // DelegationTokenFetcher.printTokensToString: toStringStable(), or toString() with --verbose
      const id = token.decodeIdentifier();
      const text = id instanceof DelegationTokenIdentifier ? (opts.verbose ? id.toString() : id.toStringStable()) : (id?.toString() ?? token.kind);
      out(`Token (${text}) for ${token.service}\n`);
    }
    return 0;
  }
  const what = opts.renew ? 'renew' : 'cancel';
  const managed = tokens.filter(isManaged);
  for (const t of tokens.filter((t) => !isManaged(t))) out(`Skipping ${t.kind} token for ${t.service}: not a NameNode delegation token\n`);
  if (managed.length === 0) {
    throw new HsecError('NOTHING_SELECTED', `${file} holds no NameNode delegation token to ${what}${tokens.length === 0 ? ' (it holds no tokens at all)' : ''}: fetch one with hsec fetchdt FILE`, { path: file });
  }
  const user = await User.login(conf, { env });
  // One login and one set of connections for every token (the shared RpcClient stays up until released).
  const connections = acquireRpcClient(conf);
  try {
    for (const token of managed) {
      if (opts.renew) {
        const until = await renewToken(token, conf, user);
        out(`Renewed token for ${token.service} until: ${new Date(until).toString()}\n`);
      } else {
        await cancelToken(token, conf, user);
        out(`Cancelled token for ${token.service}\n`);
      }
    }
  } finally {
    connections.release();
    user.close();
  }
  return 0;
}
