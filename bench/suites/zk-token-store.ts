/**
 * The ZooKeeper delegation token store (ZKDelegationTokenSecretManager's layout) against a real
 * ZooKeeper (MiniZooKeeper, the Debian package, its default fsync on): two secret managers as two
 * NameNodes sharing the token space, `nn1` issuing and `nn2` verifying.
 * - issue/s on nn1 (256 in flight), measured over the fill from 0 to 100,000 tokens (one znode
 *   create per token, a counter compare-and-set per 100);
 * - verify/s: on nn1 (its cache), on nn2 for tokens it has never seen (a cache miss: one getData),
 *   and on nn2 again (now cached);
 * - renew/s and cancel/s through nn2 (a fresh getData, then setData or delete);
 * - the znode bytes at 100,000 tokens: the token znodes' data and names (from the server's `mntr`
 *   zk_approximate_data_size, which counts path and data bytes, and from a getChildren of the
 *   tokens root), and the start-up of a third manager that loads them all.
 * Runs in a child process (logs at warn; RSS is the store's own). HSEC_BENCH_ZK_TOKENS=N changes
 * the population (default 100,000; about a minute on 2 cores).
 */
import { fileURLToPath } from 'node:url';
import type { BenchResult, Harness } from '../harness.ts';
import { runChild } from '../reference.ts';
import { whichBinary } from '../../cluster/mini/binaries.ts';
import { fourLetterWord, MiniZooKeeper, zookeeperInstalled } from '../../cluster/mini/mini-zookeeper.ts';
import { Configuration } from '../../lib/config/index.ts';
import { ZkClient } from '../../lib/zk/index.ts';
import { DelegationTokenSecretManager, type IssuedToken } from '../../security/token/secret-manager.ts';
import { zkTokenStoreFromConfig } from '../../security/token/store/zookeeper/config.ts';
import { zkdtsmPaths } from '../../security/token/store/zookeeper/znode-codec.ts';

export const name = 'zk-token-store';

const SELF = fileURLToPath(import.meta.url);
const IN_FLIGHT = 256;
const WORKING_PATH = 'bench-zkdtsm';

export async function run(h: Harness): Promise<void> {
  if (!zookeeperInstalled() || !whichBinary('java')) {
    h.note('skipped: needs java and the Debian zookeeper package (npm run setup)');
    return;
  }
  const tokens = Number(process.env.HSEC_BENCH_ZK_TOKENS ?? 100_000);
  const zk = await MiniZooKeeper.start({ config: { '4lw.commands.whitelist': 'ruok,srvr,stat,mntr' }, jvmOptions: ['-Xmx1g'] });
  try {
    const started = Date.now();
    const worker = JSON.parse(await child(['worker', zk.connectString, String(tokens)])) as { results: BenchResult[]; notes: string[] };
    for (const r of worker.results) h.results.push({ ...r, suite: h.suite });
    for (const n of worker.notes) h.note(n);
    h.note(`suite wall time ${((Date.now() - started) / 1000).toFixed(0)} s`);
  } finally {
    await zk.stop();
  }
}

function child(args: string[]): Promise<string> {
  return runChild(SELF, args, 'zk-token-store bench');
}

function manager(connectString: string, syncSecs = '0'): DelegationTokenSecretManager {
  const conf = new Configuration({ env: {} })
    .set('zk-dt-secret-manager.zkConnectionString', connectString)
    .set('zk-dt-secret-manager.zkAuthType', 'none')
    .set('zk-dt-secret-manager.znodeWorkingPath', WORKING_PATH)
    .set('zk-dt-secret-manager.router.token.sync.interval', syncSecs);
  return new DelegationTokenSecretManager({ store: zkTokenStoreFromConfig(conf) });
}

/** Runs `op(i)` for i in [0, count) with `inFlight` concurrent lanes; ops and seconds. */
async function lanes(count: number, inFlight: number, op: (i: number) => Promise<unknown>): Promise<{ ops: number; seconds: number }> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: inFlight }, async () => {
    while (next < count) await op(next++);
  }));
  return { ops: count, seconds: (performance.now() - t0) / 1000 };
}

function result(label: string, group: string | undefined, baseline: boolean, m: { ops: number; seconds: number }, bytesPerOp?: number): BenchResult {
  const opsPerSec = m.ops / m.seconds;
  return { suite: name, name: label, group, baseline, ops: m.ops, seconds: m.seconds, opsPerSec, nsPerOp: 1e9 / opsPerSec, bytesPerOp, mbPerSec: bytesPerOp === undefined ? undefined : (opsPerSec * bytesPerOp) / 1e6 };
}

async function worker(connectString: string, count: number): Promise<void> {
  const results: BenchResult[] = [];
  const notes: string[] = [];
  const nn1 = manager(connectString);
  const nn2 = manager(connectString);
  await nn1.start(false);
  await nn2.start(false); // before the fill: every nn1 token is a cache miss for nn2
  const issued: IssuedToken[] = new Array(count);
  let dataBytes = 0;
  const fill = await lanes(count, IN_FLIGHT, async (i) => {
    const t = await nn1.createToken({ owner: `user${i % 5000}@EXAMPLE.TEST`, renewer: 'yarn' });
    issued[i] = t;
    dataBytes += t.identifier.bytes.length + 12 + t.token.password.length;
  });
  results.push(result(`issue (znode create), ${IN_FLIGHT} in flight, 0 -> ${count.toLocaleString('en-US')} tokens`, undefined, false, fill));
  const sample = Math.min(count, 20_000);
  results.push(result(`verify on the issuer (cache), ${sample} tokens`, 'verify', true, await lanes(sample, IN_FLIGHT, (i) => nn1.verifyToken(issued[i]!.identifier, issued[i]!.token.password))));
  results.push(result(`verify on the other NameNode, cache miss (getData), ${sample} tokens`, 'verify', false, await lanes(sample, IN_FLIGHT, (i) => nn2.verifyToken(issued[i]!.identifier, issued[i]!.token.password))));
  results.push(result(`verify on the other NameNode, then cached, ${sample} tokens`, 'verify', false, await lanes(sample, IN_FLIGHT, (i) => nn2.verifyToken(issued[i]!.identifier, issued[i]!.token.password))));

  // The size of the store at `count` tokens, before any is cancelled.
  const zk = await ZkClient.connect({ connectString, maxFrameLength: 64 * 2 ** 20 });
  const listing = await zk.getChildren(zkdtsmPaths(WORKING_PATH).tokens);
  await zk.close();
  const live = listing.children.length;
  const nameBytes = listing.children.reduce((n, c) => n + c.length, 0);
  const [host, port] = [connectString.slice(0, connectString.lastIndexOf(':')), Number(connectString.slice(connectString.lastIndexOf(':') + 1))];
  const mntr = await fourLetterWord(host, port, 'mntr');
  const field = (k: string): number => Number(new RegExp(`^${k}\\s+(\\d+)$`, 'm').exec(mntr)?.[1] ?? NaN);
  notes.push(
    `znode bytes at ${live.toLocaleString('en-US')} tokens: ${(dataBytes / 2 ** 20).toFixed(2)} MiB of token data (${(dataBytes / count).toFixed(0)} bytes a token: identifier + 8 + 4 + 20-byte password) ` +
      `+ ${(nameBytes / 2 ** 20).toFixed(2)} MiB of DT_<seq> names; the server's zk_approximate_data_size (paths + data of all ${field('zk_znode_count')} znodes) is ${(field('zk_approximate_data_size') / 2 ** 20).toFixed(2)} MiB; ` +
      `the tokens root's getChildren reply is about ${((nameBytes + 4 * live) / 2 ** 20).toFixed(2)} MiB (above ZooKeeper's default jute.maxbuffer of 1 MiB from about 75,000 tokens: hsec's store client accepts 64 MiB)`,
  );
  const some = Math.min(Math.floor(count / 2), 10_000);
  results.push(result(`renew through the other NameNode (getData + setData), ${some} tokens`, undefined, false, await lanes(some, IN_FLIGHT, (i) => nn2.renewToken(issued[i]!.token, 'yarn'))));
  results.push(result(`cancel through the other NameNode (getData + delete), ${some} tokens`, undefined, false, await lanes(some, IN_FLIGHT, (i) => nn2.cancelToken(issued[count - 1 - i]!.token, issued[count - 1 - i]!.identifier.owner))));
  await nn1.stop();
  await nn2.stop();

  const t0 = performance.now();
  const nn3 = manager(connectString);
  await nn3.start(false);
  notes.push(`start-up of a third NameNode loading ${nn3.tokenCount.toLocaleString('en-US')} tokens from ZooKeeper: ${(performance.now() - t0).toFixed(0)} ms, RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`);
  await nn3.stop();
  process.stdout.write(`${JSON.stringify({ results, notes })}\n`);
}

if (process.argv[1] === SELF) {
  const [mode, connectString, count] = process.argv.slice(2);
  if (mode === 'worker') await worker(connectString!, Number(count));
}
