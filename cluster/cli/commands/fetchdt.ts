/**
 * `hsec fetchdt [--renewer NAME] [--print | --renew | --cancel] FILE`, after Hadoop's
 * `hdfs fetchdt` (DelegationTokenFetcher; hadoop-wire.md §12.2): fetch a NameNode delegation token
 * with the Kerberos login in the credential cache and write it as a Credentials file (WRITABLE
 * format, mode 0600, alias = the token's service `ip:port`), or print / renew / cancel the tokens
 * of an existing file. A missing or expired ticket is reported with a hint to run `hsec kinit`.
 */
import type { Command } from 'commander';
import { ConfigError } from '../../../lib/errors/index.ts';
import { cliConfigSource, loadCliConfiguration, type CliConfigArg } from '../generic-options.ts';
import { Credentials } from '../../../security/token/credentials.ts';
import { readTokenStorageFile, writeTokenStorageFile } from '../../../security/token/credentials-file.ts';
import { DelegationTokenIdentifier } from '../../../security/token/delegation-token-identifier.ts';
import { cancelToken, fetchDelegationToken, isManaged, renewToken } from '../../namenode/token-tools.ts';

interface FetchdtOptions {
  readonly renewer?: string;
  readonly print?: boolean;
  readonly renew?: boolean;
  readonly cancel?: boolean;
  readonly verbose?: boolean;
}

export function register(program: Command): void {
  program
    .command('fetchdt')
    .description('fetch a NameNode delegation token into FILE (or --print/--renew/--cancel the tokens in FILE)')
    .argument('<file>', 'token storage file')
    .option('--renewer <name>', 'who may renew the token (e.g. the YARN ResourceManager principal)')
    .option('--print', 'print the tokens in FILE')
    .option('--renew', 'renew the tokens in FILE')
    .option('--cancel', 'cancel the tokens in FILE')
    .option('--verbose', 'with --print, print every identifier field')
    .action(async (file: string, opts: FetchdtOptions, command: Command) => {
      process.exitCode = await runFetchdt(cliConfigSource(command), file, opts);
    });
}

/** Output sink and environment (KRB5CCNAME, HADOOP_TOKEN_FILE_LOCATION, HADOOP_CONF_DIR); default the process's. */
export interface CliIo {
  out?: (s: string) => void;
  env?: NodeJS.ProcessEnv;
}

/** `config`: a conf dir, or `{ confDir, overrides }` (the generic `--conf` / `-D` options). */
export async function runFetchdt(config: CliConfigArg, file: string, opts: FetchdtOptions, io: CliIo = {}): Promise<number> {
  const out = io.out ?? ((s: string) => void process.stdout.write(s));
  const env = io.env ?? process.env;
  const modes = [opts.print, opts.renew, opts.cancel].filter(Boolean).length;
  if (modes > 1) throw new ConfigError('CONFIG_INVALID', 'ERROR: Only specify cancel, renew or print.', { option: 'fetchdt' });
  const conf = loadCliConfiguration(config, env);
  if (modes === 0) {
    const token = await fetchDelegationToken(conf, opts.renewer ?? '', { env });
    await writeTokenStorageFile(file, new Credentials().addToken(token.service, token));
    out(`Fetched token for ${token.service} into ${file}\n`);
    return 0;
  }
  const creds = await readTokenStorageFile(file);
  for (const [, token] of creds.tokens()) {
    if (opts.print) {
      // DelegationTokenFetcher.printTokensToString: toStringStable(), or toString() with --verbose
      const id = token.decodeIdentifier();
      const text = id instanceof DelegationTokenIdentifier ? (opts.verbose ? id.toString() : id.toStringStable()) : (id?.toString() ?? token.kind);
      out(`Token (${text}) for ${token.service}\n`);
    } else if (!isManaged(token)) {
      out(`Skipping ${token.kind} token for ${token.service}: not a NameNode delegation token\n`);
    } else if (opts.renew) {
      const until = await renewToken(conf, token, { env });
      out(`Renewed token for ${token.service} until: ${new Date(until).toString()}\n`);
    } else {
      await cancelToken(conf, token, { env });
      out(`Cancelled token for ${token.service}\n`);
    }
  }
  return 0;
}
