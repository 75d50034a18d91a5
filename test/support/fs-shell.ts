/**
 * `hsec fs` as a user of a secure test HDFS (cluster/mini/secure-hdfs.ts), the way an operator runs
 * it: a ticket cache MIT kinit filled from the user's keytab, and a Hadoop conf directory whose
 * core-site.xml says what the cluster's configuration says (plus `extraConf`). `fs(...)` runs the
 * product's runFs in-process and returns its exit code, stdout, stderr and raw data output.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { runFs } from '../../cluster/cli/commands/fs.ts';
import { confEntries, type SecureHdfs } from '../../cluster/mini/secure-hdfs.ts';
import { writeSiteXml } from '../../cluster/mini/site-xml.ts';
import { PassThrough } from 'node:stream';
import { kinit } from './krb5-clients.ts';

export interface ShellRun {
  code: number;
  out: string;
  err: string;
  /** What -cat, -text and -get - wrote, as text and as bytes. */
  data: string;
  bytes: Buffer;
}

export interface FsShellUser {
  readonly confDir: string;
  readonly ccache: string;
  /** The environment of an `hsec fs` process run as this user (KRB5_CONFIG, KRB5CCNAME, HADOOP_CONF_DIR). */
  readonly env: NodeJS.ProcessEnv;
  fs(...args: string[]): Promise<ShellRun>;
  /** `fs` with `stdin` as what `-put -` reads. */
  fsWithStdin(stdin: NodeJS.ReadableStream | undefined, ...args: string[]): Promise<ShellRun>;
}

export interface FsShellOptions {
  /** Keys added to the cluster's in the user's core-site.xml. */
  readonly extraConf?: Record<string, string>;
  /** The conf directory's name under the cluster's directory (default `conf`). */
  readonly confName?: string;
  /** The principal's keytab (default: the one SecureHdfs.client makes for `user`, with a home directory). */
  readonly keytab?: string;
}

/** `hsec fs` as `user` (a short name, or a principal such as `nn/localhost` with `keytab`). */
export async function fsShellUser(hdfs: SecureHdfs, user: string, options: FsShellOptions = {}): Promise<FsShellUser> {
  let keytab = options.keytab;
  if (!keytab) {
    await hdfs.client(user); // the principal, its keytab and its home directory
    keytab = join(hdfs.dir, `${user}.keytab`);
  }
  const confDir = join(hdfs.dir, options.confName ?? 'conf');
  if (!existsSync(confDir)) mkdirSync(confDir);
  writeSiteXml(join(confDir, 'core-site.xml'), Object.entries({ ...confEntries(hdfs.conf), ...options.extraConf }).map(([name, value]) => ({ name, value })));
  const ccache = join(hdfs.dir, `cc-${user.replace(/\//g, '_')}`);
  await kinit(hdfs.kdc.env(ccache), ['-k', '-t', keytab, hdfs.kdc.principal(user)]);
  const env = { ...hdfs.kdc.env(ccache), HADOOP_CONF_DIR: confDir };
  const fsWithStdin = async (stdin: NodeJS.ReadableStream | undefined, ...args: string[]): Promise<ShellRun> => {
    let out = '';
    let err = '';
    const data = new PassThrough();
    const chunks: Buffer[] = [];
    data.on('data', (c: Buffer) => chunks.push(c));
    const code = await runFs(confDir, args, { out: (x) => void (out += x), err: (x) => void (err += x), data, stdin, env });
    const bytes = Buffer.concat(chunks);
    return { code, out, err, data: bytes.toString(), bytes };
  };
  return { confDir, ccache, env, fs: (...args) => fsWithStdin(undefined, ...args), fsWithStdin };
}
