/**
 * `hsec kinit`: obtains a TGT and writes it to the FILE ccache named by -c, KRB5CCNAME or
 * krb5.conf default_ccache_name (mode 0600), like MIT kinit(1): `-k -t KEYTAB` (or `-kt KEYTAB`)
 * for a keytab, otherwise a password read from the terminal without echo (or the first line of
 * stdin when it is not a terminal); `-l` / `-r` lifetimes in MIT duration syntax; `-R` renews the
 * cached TGT. Errors surface as the typed error's message (cluster/cli/index.ts prints them).
 */
import type { Command } from 'commander';
import { ConfigError } from '../../../lib/errors/index.ts';
import { loadKrb5Config } from '../../../security/kerberos/config/krb5-conf.ts';
import { parseDuration } from '../../../security/kerberos/config/duration.ts';
import { kdcWaitingChannel, requestInitialTicket, renewTicket, type KdcWaitingEvent } from '../../../security/kerberos/client/index.ts';
import { readKeytabSync } from '../../../security/kerberos/keytab/index.ts';
import { parsePrincipal } from '../../../security/kerberos/keytab/principal-text.ts';
import { ccachePath, defaultKeytabPath, readTgt, storeInitialTicket } from '../../../security/kerberos/login/ccache-store.ts';
import { principalToString } from '../../../security/kerberos/types.ts';

interface KinitOptions {
  readonly k?: boolean;
  readonly keytab?: string;
  readonly cache?: string;
  readonly lifetime?: string;
  readonly renewable?: string;
  readonly renew?: boolean;
}

export function register(program: Command): void {
  program
    .command('kinit')
    .description('obtain a Kerberos ticket-granting ticket and store it in the credential cache (like MIT kinit)')
    .argument('[principal]', 'client principal, e.g. alice or nn/host@REALM (default: the keytab\'s first principal, or the cache\'s for -R)')
    .option('-k', 'use a keytab (the default keytab unless -t is given)')
    .option('-t, --keytab <file>', 'keytab file to take the key from')
    .option('-c, --cache <name>', 'credential cache, e.g. FILE:/tmp/krb5cc_1000 (default: KRB5CCNAME, then default_ccache_name)')
    .option('-l, --lifetime <duration>', 'requested ticket lifetime, e.g. 10h, 1d, 3600')
    .option('-r, --renewable <duration>', 'requested renewable lifetime, e.g. 7d')
    .option('-R, --renew', 'renew the ticket-granting ticket already in the cache')
    .action(async (principal: string | undefined, opts: KinitOptions) => {
      await runKinit(principal, opts);
    });
}

export async function runKinit(principalText: string | undefined, opts: KinitOptions, env: NodeJS.ProcessEnv = process.env, stderr: Writer = process.stderr): Promise<void> {
  const stopProgress = reportKdcWaits(stderr);
  try {
    await kinit(principalText, opts, env);
  } finally {
    stopProgress();
  }
}

interface Writer {
  write(text: string): unknown;
}

/**
 * Prints "hsec: waiting for KDC host:port (udp)..." on stderr when an attempt has been silent for
 * a second (the library publishes hsec:kerberos:kdc-waiting; it prints nothing itself).
 */
export function reportKdcWaits(stderr: Writer): () => void {
  const onWaiting = (message: unknown) => {
    const e = message as KdcWaitingEvent;
    stderr.write(`hsec: waiting for KDC ${e.kdc} (${e.transport})...\n`);
  };
  kdcWaitingChannel.subscribe(onWaiting);
  return () => kdcWaitingChannel.unsubscribe(onWaiting);
}

async function kinit(principalText: string | undefined, opts: KinitOptions, env: NodeJS.ProcessEnv): Promise<void> {
  const conf = loadKrb5Config(undefined, env);
  const cache = ccachePath(conf, opts.cache, env);
  if (opts.renew) {
    const tgt = readTgt(cache);
    const renewed = await renewTicket({ ticket: tgt, conf });
    storeInitialTicket(cache, renewed.credential);
    return;
  }
  const lifetimeMs = opts.lifetime ? parseDuration(opts.lifetime, '-l') : undefined;
  const renewLifetimeMs = opts.renewable ? parseDuration(opts.renewable, '-r') : undefined;
  const life = { ...(lifetimeMs !== undefined ? { lifetimeMs } : {}), ...(renewLifetimeMs !== undefined ? { renewLifetimeMs } : {}) };
  let result;
  if (opts.k || opts.keytab) {
    const keytab = readKeytabSync(opts.keytab ?? defaultKeytabPath(env));
    const client = principalText ? parsePrincipal(principalText, conf.defaultRealm) : keytab.principals()[0];
    if (!client) throw new ConfigError('CONFIG_INVALID', `keytab ${keytab.path} holds no principals; name one: hsec kinit -kt KEYTAB PRINCIPAL`, { keytab: keytab.path });
    result = await requestInitialTicket({ client, secret: { keytab }, conf, ...life });
  } else {
    if (!principalText) throw new ConfigError('CONFIG_INVALID', 'name the principal to log in as: hsec kinit PRINCIPAL (or -kt KEYTAB)', { option: 'principal' });
    const client = parsePrincipal(principalText, conf.defaultRealm);
    const password = await readPassword(`Password for ${principalToString(client)}: `);
    result = await requestInitialTicket({ client, secret: { password }, conf, ...life });
  }
  storeInitialTicket(cache, result.credential, result.kdcOffsetMs);
}

/** Reads a password: from the terminal without echo, or the first line of piped stdin. */
export function readPassword(prompt: string, input: NodeJS.ReadStream = process.stdin, output: NodeJS.WriteStream = process.stderr): Promise<string> {
  if (!input.isTTY) return readFirstLine(input);
  return new Promise((resolve, reject) => {
    // Echo goes off before the prompt appears, so nothing typed after the prompt can echo.
    input.setRawMode(true);
    output.write(prompt);
    let value = '';
    input.resume();
    input.setEncoding('utf8');
    const finish = (err?: Error) => {
      input.setRawMode(false);
      input.pause();
      input.removeListener('data', onData);
      output.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return finish();
        if (ch === '\u0003') return finish(new ConfigError('CONFIG_INVALID', 'password entry cancelled', { option: 'password' }));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    input.on('data', onData);
  });
}

function readFirstLine(input: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const done = () => {
      input.removeListener('data', onData);
      input.removeListener('end', done);
      input.removeListener('error', reject);
      const line = buf.split(/\r?\n/)[0] ?? '';
      resolve(line);
    };
    const onData = (chunk: Buffer | string) => {
      buf += chunk.toString();
      if (buf.includes('\n')) {
        if ('pause' in input) input.pause();
        done();
      }
    };
    input.on('data', onData);
    input.on('end', done);
    input.on('error', reject);
  });
}
