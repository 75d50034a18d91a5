/**
 * The client side of one measurement of the HDFS benchmark (bench/suites/hdfs.ts), in a process of
 * its own so that each data-transfer mode runs in a fresh V8 (no mode's JIT state or garbage
 * lands in another's figures) and the process's CPU time is this mode's alone.
 *
 * Started with one argument, JSON `{ krb5ConfPath, principal, keytab, conf, bytes, expect }`: logs
 * in from the keytab, writes and reads a file of `bytes` once as a warm-up (the contents compared,
 * and the negotiated data-transfer protection checked against `expect`), prints `{"ready":true}`,
 * then answers each stdin line `write N` or `read N` with N measured ops in a row as
 * `{ wallNs, cpuNs }` per op (their means; CPU: user + system of this process), and exits when
 * stdin ends.
 */
import { randomBytes } from 'node:crypto';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { loadConfiguration } from '../lib/config/index.ts';
import { loadKrb5Config } from '../security/kerberos/config/index.ts';
import { User } from '../security/identity/user.ts';
import { HdfsClient } from '../cluster/client/hdfs-client.ts';
import { preferBulkDataGc } from '../lib/runtime/bulk-data-gc.ts';

interface Request {
  readonly krb5ConfPath: string;
  readonly principal: string;
  readonly keytab: string;
  readonly conf: Record<string, string>;
  readonly bytes: number;
  /** What the client's handshake event must say (the bench refuses to measure the wrong mode). */
  readonly expect: Record<string, string | number>;
}

/** The application's writes into createWriteStream. */
const WRITE_CHUNK = 1024 * 1024;
const PATH = 'bench';

const request = JSON.parse(process.argv[2] ?? '{}') as Request;
const send = (o: unknown): void => void process.stdout.write(`${JSON.stringify(o)}\n`);
// As `hsec fs` and `hsec datanode` run (lib/runtime/bulk-data-gc.ts); HSEC_BENCH_HDFS_GC=default measures V8's defaults.
if (process.env['HSEC_BENCH_HDFS_GC'] !== 'default') preferBulkDataGc();

/** One write op: the whole file through createWriteStream in WRITE_CHUNK writes. */
async function writeOp(fs: HdfsClient, data: Buffer): Promise<void> {
  const chunks = function* (): Generator<Buffer> {
    for (let at = 0; at < data.length; at += WRITE_CHUNK) yield data.subarray(at, at + WRITE_CHUNK);
  };
  await pipeline(Readable.from(chunks()), fs.createWriteStream(PATH, { overwrite: true }));
}

/** One read op: the whole file through createReadStream; resolves the bytes read. */
async function readOp(fs: HdfsClient): Promise<number> {
  let n = 0;
  for await (const c of fs.createReadStream(PATH)) n += (c as Buffer).length;
  return n;
}

/** Warm-up: one write and read, the contents compared and the negotiated protection checked. */
async function warmUp(fs: HdfsClient, data: Buffer): Promise<void> {
  const events: Array<Record<string, unknown>> = [];
  const on = (m: unknown): void => void events.push(m as Record<string, unknown>);
  subscribe('hsec:datatransfer:negotiated', on);
  try {
    await writeOp(fs, data);
    if (Buffer.compare(await fs.readFile(PATH), data) !== 0) throw new Error('the file read back differs from the one written');
  } finally {
    unsubscribe('hsec:datatransfer:negotiated', on);
  }
  const client = events.filter((e) => e['side'] === 'client');
  if (client.length === 0) throw new Error('no data-transfer handshake seen');
  for (const e of client) {
    for (const [k, v] of Object.entries(request.expect)) {
      if (e[k] !== v) throw new Error(`the client negotiated ${k}=${String(e[k])}, expected ${String(v)}`);
    }
  }
}

const conf = loadConfiguration({ env: {}, overrides: request.conf });
const user = await User.fromKeytab(request.principal, request.keytab, { krb5: loadKrb5Config(request.krb5ConfPath), conf });
const fs = await HdfsClient.connect({ conf, user, env: {} });
try {
  const data = randomBytes(request.bytes);
  await warmUp(fs, data);
  send({ ready: true });
  for await (const line of createInterface({ input: process.stdin })) {
    const [kind, count = '1'] = line.split(' ');
    const ops = Number(count);
    if ((kind !== 'write' && kind !== 'read') || !Number.isSafeInteger(ops) || ops < 1) throw new Error(`unknown command ${line}`);
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < ops; i++) {
      if (kind === 'write') await writeOp(fs, data);
      else if ((await readOp(fs)) !== data.length) throw new Error('short read');
    }
    const wallNs = Number(process.hrtime.bigint() - t0) / ops;
    const c = process.cpuUsage(c0);
    send({ wallNs, cpuNs: ((c.user + c.system) * 1000) / ops });
  }
} catch (e) {
  send({ error: e instanceof Error ? e.message : String(e) });
  process.exitCode = 1;
} finally {
  fs.close();
  user.close();
}
