/**
 * `hsec dfsadmin` run in-process against a SecureHdfs as several Kerberos users: a client conf dir
 * written from the cluster's conf, and for each user a ticket cache MIT kinit filled from the
 * keytab SecureHdfs made for that principal. `run(user, ...args)` gives the exit code and what the
 * command printed; `storagepolicies(user, ...args)` the same for `hsec storagepolicies`.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { runDfsadmin } from '../../cluster/cli/commands/dfsadmin.ts';
import { runStoragePolicies } from '../../cluster/cli/commands/storagepolicies.ts';
import type { CliIo } from '../../cluster/cli/commands/fetchdt.ts';
import { confEntries, type SecureHdfs } from '../../cluster/mini/secure-hdfs.ts';
import type { MiniKdc } from '../../cluster/mini/mini-kdc.ts';
import { writeSiteXml } from '../../cluster/mini/site-xml.ts';
import { kinit } from './krb5-clients.ts';

export interface DfsadminRun {
  code: number;
  out: string;
  err: string;
}

export interface DfsadminShell {
  readonly confDir: string;
  run(user: string, ...args: string[]): Promise<DfsadminRun>;
  storagepolicies(user: string, ...args: string[]): Promise<DfsadminRun>;
}

/** Default users: `nn` (the NameNode's principal, the superuser) and `alice`. */
const NN_AND_ALICE: Readonly<Record<string, readonly [principal: string, keytab: string]>> = {
  nn: ['nn/localhost', 'nn.keytab'],
  alice: ['alice', 'alice.keytab'],
};

/**
 * `users`: short name -> [principal without realm, keytab file under `dir`] (the keytabs must exist:
 * `hdfs.client(name)` makes a user's). `confName`: the conf directory under `dir` (default `conf`).
 */
export async function dfsadminShell(kdc: MiniKdc, hdfs: SecureHdfs, dir: string, users = NN_AND_ALICE, confName = 'conf'): Promise<DfsadminShell> {
  const confDir = join(dir, confName);
  mkdirSync(confDir, { recursive: true });
  writeSiteXml(join(confDir, 'core-site.xml'), Object.entries(confEntries(hdfs.conf)).map(([name, value]) => ({ name, value })));
  const cc: Record<string, string> = {};
  for (const [user, [principal, keytab]] of Object.entries(users)) {
    cc[user] = join(dir, `cc-${user}`);
    await kinit(kdc.env(cc[user]), ['-k', '-t', join(dir, keytab), kdc.principal(principal)]);
  }
  const runAs = async (runner: (confDir: string, args: string[], io: CliIo) => Promise<number>, user: string, args: string[]): Promise<DfsadminRun> => {
    if (!cc[user]) throw new Error(`dfsadminShell: no ticket cache for ${user} (known: ${Object.keys(cc).join(', ')})`);
    let out = '';
    let err = '';
    const code = await runner(confDir, args, { out: (x) => void (out += x), err: (x) => void (err += x), env: { ...kdc.env(cc[user]), HADOOP_CONF_DIR: confDir } });
    return { code, out, err };
  };
  return {
    confDir,
    run: (user, ...args) => runAs(runDfsadmin, user, args),
    storagepolicies: (user, ...args) => runAs(runStoragePolicies, user, args),
  };
}
