/**
 * The server side of the HDFS benchmark (bench/suites/hdfs.ts), in its own process so the client
 * process's CPU time is the client's alone: a MiniKdc (MIT krb5kdc) and one secure in-process HDFS
 * per data-transfer setting (cluster/mini/secure-hdfs.ts: the hsec NameNode and a DataNode logged
 * in from keytabs, RPC privacy, block tokens), each with a user `bench` whose keytab and home
 * directory are ready.
 *
 * Started with one argument, JSON `{ dir, user, clusters: [conf, ...] }`. Prints one JSON line,
 * `{ krb5ConfPath, principal, clusters: [{ conf, keytab }] }` (conf: every key a client needs),
 * then answers one JSON line per stdin line:
 *   cpu              this process's CPU time so far, { user, system } in microseconds
 *   tokens <ms>      block token operations of cluster 0 measured for about <ms> each: the
 *                    NameNode's master BlockTokenSecretManager issuing, and the DataNode's
 *                    verifier (BlockPoolTokens, fed the keys the NameNode exports at registration)
 *                    checking an op's token (checkAccess) and looking up a SASL password;
 *                    { issue, checkAccess, password: { ops, ns } }
 * and stops everything when stdin ends.
 */
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { MiniKdc } from '../cluster/mini/mini-kdc.ts';
import { confEntries, startSecureHdfs, type SecureHdfs } from '../cluster/mini/secure-hdfs.ts';
import { BlockPoolTokens } from '../cluster/datanode/block-access.ts';
import { preferBulkDataGc } from '../lib/runtime/bulk-data-gc.ts';

interface Request {
  readonly dir: string;
  readonly user: string;
  readonly clusters: ReadonlyArray<Record<string, string>>;
}

const request = JSON.parse(process.argv[2] ?? '{}') as Request;
const send = (o: unknown): void => void process.stdout.write(`${JSON.stringify(o)}\n`);
// As `hsec fs` and `hsec datanode` run (lib/runtime/bulk-data-gc.ts); HSEC_BENCH_HDFS_GC=default measures V8's defaults.
if (process.env['HSEC_BENCH_HDFS_GC'] !== 'default') preferBulkDataGc();

const kdc = await MiniKdc.start({ realm: 'BENCH.TEST' });
const running: SecureHdfs[] = [];
try {
  const clusters = [];
  for (const [i, conf] of request.clusters.entries()) {
    const hdfs = await startSecureHdfs(kdc, join(request.dir, `cluster${i}`), { conf });
    running.push(hdfs);
    await hdfs.client(request.user); // makes the principal, its keytab and its home directory
    clusters.push({ conf: confEntries(hdfs.conf), keytab: join(hdfs.dir, `${request.user}.keytab`) });
  }
  send({ krb5ConfPath: kdc.krb5ConfPath, principal: kdc.principal(request.user), clusters });

  for await (const line of createInterface({ input: process.stdin })) {
    const [command, arg] = line.trim().split(/\s+/);
    if (command === 'cpu') send(process.cpuUsage());
    else if (command === 'tokens') send(await measureBlockTokens(running[0]!, Number(arg)).catch((e: unknown) => ({ error: String(e) })));
    else send({ error: `unknown command ${line}` });
  }
} finally {
  for (const hdfs of running) await hdfs.stop().catch(() => undefined);
  await kdc.stop();
}

/** Runs `fn` in batches for about `ms` after a short warm-up; the ops done and the nanoseconds they took. */
function loop(fn: () => unknown, ms: number): { ops: number; ns: number } {
  const run = (budgetMs: number): { ops: number; ns: number } => {
    const start = process.hrtime.bigint();
    const budget = BigInt(Math.round(budgetMs * 1e6));
    let ops = 0;
    for (;;) {
      for (let i = 0; i < 100; i++) fn();
      ops += 100;
      const ns = process.hrtime.bigint() - start;
      if (ns >= budget) return { ops, ns: Number(ns) };
    }
  };
  run(Math.min(150, ms / 4));
  return run(ms);
}

async function measureBlockTokens(hdfs: SecureHdfs, ms: number): Promise<Record<string, { ops: number; ns: number }>> {
  const master = hdfs.nn.blockTokens;
  if (!master) throw new Error('bench hdfs: the NameNode has no block token manager (dfs.block.access.token.enable)');
  const pool = master.blockPoolId;
  const verifier = new BlockPoolTokens();
  verifier.setKeys(pool, master.exportKeys()); // what the DataNode receives at registration
  const block = { poolId: pool, blockId: 1_073_741_825, generationStamp: 1001 };
  const token = master.generateToken('bench', block, ['READ'], ['DISK'], []);
  const credentials = { identifier: token.identifier, password: token.password };
  return {
    issue: loop(() => master.generateToken('bench', block, ['READ'], ['DISK'], []), ms),
    checkAccess: loop(() => verifier.checkAccess(credentials, undefined, block, 'READ'), ms),
    password: loop(() => verifier.password(token.identifier), ms),
  };
}
