/**
 * `hsec debug recoverLease -path P [-retries N]`, after Hadoop 3.4.1's `hdfs debug recoverLease`
 * (hadoop-hdfs tools/DebugAdmin.RecoverLeaseCommand): ClientProtocol.recoverLease on P as the login
 * user (ticket cache or HADOOP_TOKEN_FILE_LOCATION), up to N times (default 1) with 5 s between
 * tries. Its words and exit codes: "recoverLease SUCCEEDED on P" on stdout and 0 once the NameNode
 * answers true; "recoverLease returned false." or "recoverLease got exception: MESSAGE" on stderr,
 * "Retrying in 5000 ms..." and "Retry #i" between tries, then "Giving up on recoverLease for P after
 * N tries." and 1. A missing file gives up at once; no -path, or a -retries that is not a number, is
 * 1 with DebugAdmin's message; no command prints the usage.
 */
import type { Command } from 'commander';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigError, HsecError } from '../../../lib/errors/index.ts';
import { HdfsClient } from '../../client/hdfs-client.ts';
import { loadCliConfiguration } from '../cli-configuration.ts';
import { cliConfigSource, type CliConfigArg } from '../generic-options.ts';
import type { CliIo } from './fetchdt.ts';

/** RecoverLeaseCommand.TIMEOUT_MS: the wait between tries. */
export const RECOVER_LEASE_RETRY_MS = 5000;

const RECOVER_LEASE_USAGE = 'recoverLease -path <path> [-retries <num-retries>]';
const RECOVER_LEASE_HELP = '  Recover the lease on the specified path.  The path must reside on an\n  HDFS file system.  The default number of retries is 1.';
const FILE_NOT_FOUND = 'java.io.FileNotFoundException';

export function register(program: Command): void {
  program
    .command('debug')
    .description('HDFS debug commands like hdfs debug: recoverLease -path <path> [-retries <num-retries>]')
    .usage(RECOVER_LEASE_USAGE)
    .helpOption(false)
    .allowUnknownOption()
    .argument('[args...]')
    .action(async (args: string[], _opts: unknown, command: Command) => {
      process.exitCode = await runDebug(cliConfigSource(command), args);
    });
}

/** DebugAdmin.printUsage. */
function debugUsage(): string {
  return `Usage: hsec debug <command> [arguments]\n\nThese commands are for advanced users only.\n\nIncorrect usages may result in data loss. Use at your own risk.\n\n${RECOVER_LEASE_USAGE}\n`;
}

/** StringUtils.popOptionWithArgument: the value after `name`, removed from `args` with it. */
function popOption(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i < 0 || args.slice(0, i).includes('--')) return undefined;
  if (i + 1 >= args.length) throw new ConfigError('CONFIG_INVALID', `option ${name} requires 1 argument.`, { option: name });
  return args.splice(i, 2)[1];
}

/** `config`: a conf dir, or `{ confDir, overrides }` (the generic `--config` / `-D` options). */
export async function runDebug(config: CliConfigArg, argv: readonly string[], io: CliIo = {}): Promise<number> {
  const out = io.out ?? ((s: string) => void process.stdout.write(s));
  const err = io.err ?? ((s: string) => void process.stderr.write(s));
  const env = io.env ?? process.env;
  const [name, ...rest] = argv;
  if (name === undefined) {
    out(debugUsage());
    return 1;
  }
  if (name !== 'recoverLease') {
    out(`Unknown command: ${name}\n${debugUsage()}`);
    return 1;
  }
  if (rest.length === 0) {
    out(`${RECOVER_LEASE_USAGE}\n${RECOVER_LEASE_HELP}\n\n`);
    return 1;
  }
  let path: string | undefined;
  let retriesText: string | undefined;
  try {
    path = popOption(rest, '-path');
    retriesText = popOption(rest, '-retries');
  } catch (e) {
    err(`${(e as Error).message}\n`);
    return 1;
  }
  if (path === undefined) {
    err('You must supply a -path argument to recoverLease.\n');
    return 1;
  }
  let maxRetries = 1;
  if (retriesText !== undefined) {
    // Integer.parseInt: a Java int (-2^31 .. 2^31 - 1)
    if (!/^[+-]?\d+$/.test(retriesText) || Number(retriesText) < -2147483648 || Number(retriesText) > 2147483647) {
      err(`Failed to parse the argument to -retries: java.lang.NumberFormatException: For input string: "${retriesText}"\n`);
      return 1;
    }
    maxRetries = Number(retriesText);
  }
  const hdfs = await HdfsClient.connect({ conf: loadCliConfiguration(config, env), env });
  try {
    for (let retry = 0; ;) {
      let recovered = false;
      let failure: Error | undefined;
      try {
        recovered = await hdfs.recoverLease(path);
      } catch (e) {
        if (e instanceof HsecError && e.details['exceptionClassName'] === FILE_NOT_FOUND) {
          err(`recoverLease got exception: ${remoteMessage(e)}\n`);
          err(`Giving up on recoverLease for ${path} after 1 try\n`);
          return 1;
        }
        failure = e as Error;
      }
      if (recovered) {
        out(`recoverLease SUCCEEDED on ${path}\n`);
        return 0;
      }
      err(failure ? `recoverLease got exception: ${remoteMessage(failure)}\n` : 'recoverLease returned false.\n');
      retry++;
      if (retry >= maxRetries) break;
      err(`Retrying in ${RECOVER_LEASE_RETRY_MS} ms...\n`);
      await sleep(RECOVER_LEASE_RETRY_MS);
      err(`Retry #${retry}\n`);
    }
    err(`Giving up on recoverLease for ${path} after ${maxRetries}${maxRetries === 1 ? ' try.' : ' tries.'}\n`);
    return 1;
  } finally {
    hdfs.close();
  }
}

/** IOException.getMessage of a NameNode refusal: its text without the class name hsec adds. */
function remoteMessage(e: Error): string {
  const msg = e instanceof HsecError ? e.details['errorMsg'] : undefined;
  return typeof msg === 'string' ? msg : e.message;
}
