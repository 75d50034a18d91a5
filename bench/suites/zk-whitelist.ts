/**
 * How fast a whitelist change in ZooKeeper reaches the servers (issue 8: p99 at most 250 ms from
 * the ZooKeeper write to 10 resolvers applying it). A real ZooKeeper (MiniZooKeeper, the Debian
 * package) holds /hsec/whitelist (1,000 CIDR entries to start with); 10 WhitelistBasedResolvers,
 * each with its own ZooKeeper session as 10 servers would have, watch it through the product path
 * (ZkListSource + ReloadingList: notification, getData, parse, compile, swap). A writer appends one
 * entry per write (setData), 100 writes after 10 uncounted warm-up writes, and the delay is measured from just before each setData
 * until each resolver has applied the new list (its `hsec:resolver:list-loaded` event with the new
 * entry count). All 10 resolvers share this one process and its event loop, so their parses queue
 * behind each other: an upper bound on what 10 separate servers see.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { loadavg } from 'node:os';
import type { Harness } from '../harness.ts';
import { whichBinary } from '../../cluster/mini/binaries.ts';
import { MiniZooKeeper, zookeeperInstalled } from '../../cluster/mini/mini-zookeeper.ts';
import { createRootLogger } from '../../lib/log/logger.ts';
import { ZkClient } from '../../lib/zk/index.ts';
import { listLoadedChannel, type ListLoadedEvent } from '../../security/resolver/list-problems.ts';
import { WhitelistBasedResolver } from '../../security/resolver/whitelist-based-resolver.ts';
import { ZkListSource, znodeOrigin } from '../../security/resolver/zookeeper-list-source.ts';

export const name = 'zk-whitelist';

const RESOLVERS = 10;
const WRITES = 100;
const WARM_UP = 10;
const BASE_ENTRIES = 1000;
const GOAL_P99_MS = 250;
const PATH = '/hsec/whitelist';

const entry = (i: number): string => `10.${(i >>> 8) & 255}.${i & 255}.0/24`;

export async function run(h: Harness): Promise<void> {
  if (!zookeeperInstalled() || !whichBinary('java')) {
    h.note('skipped: needs java and the Debian zookeeper package (npm run setup)');
    return;
  }
  const silent = createRootLogger(undefined, 'silent');
  const zk = await MiniZooKeeper.start();
  const clients: ZkClient[] = [];
  const resolvers: WhitelistBasedResolver[] = [];
  const applied = new Map<number, number[]>();
  const onLoaded = (m: unknown): void => {
    const e = m as ListLoadedEvent;
    if (e.origin !== znodeOrigin(PATH)) return;
    const at = performance.now();
    const list = applied.get(e.entries) ?? [];
    list.push(at);
    applied.set(e.entries, list);
  };
  try {
    const writer = await ZkClient.connect({ connectString: zk.connectString });
    clients.push(writer);
    let text = `${Array.from({ length: BASE_ENTRIES }, (_, i) => entry(i)).join('\n')}\n`;
    await writer.create(PATH, new TextEncoder().encode(text), { createParents: true });
    const conf = { get: (k: string) => (k === 'hadoop.rpc.protection' ? 'authentication,privacy' : undefined) };
    for (let r = 0; r < RESOLVERS; r++) {
      const client = await ZkClient.connect({ connectString: zk.connectString });
      clients.push(client);
      resolvers.push(
        new WhitelistBasedResolver(conf, {
          fixedSource: { origin: 'bench:none', read: async () => ({ available: true, text: '' }) },
          dynamicSource: new ZkListSource(client, PATH, { log: silent }),
          log: silent,
        }),
      );
    }
    await Promise.all(resolvers.map((r) => r.ready()));
    subscribe(listLoadedChannel.name, onLoaded);
    const delays: number[] = [];
    // The first WARM_UP writes warm the JIT (parse, compile, swap) and are not counted, as the harness's warm-up.
    for (let w = 1; w <= WARM_UP + WRITES; w++) {
      text += `${entry(BASE_ENTRIES + w)}\n`;
      const count = BASE_ENTRIES + w;
      const sent = performance.now();
      await writer.setData(PATH, new TextEncoder().encode(text));
      const deadline = performance.now() + 5000;
      while ((applied.get(count)?.length ?? 0) < RESOLVERS && performance.now() < deadline) await new Promise((r) => setTimeout(r, 2));
      const times = applied.get(count) ?? [];
      if (times.length < RESOLVERS) throw new Error(`write ${w}: only ${times.length} of ${RESOLVERS} resolvers applied it within 5 s`);
      if (w > WARM_UP) for (const t of times.slice(0, RESOLVERS)) delays.push(t - sent);
      await new Promise((r) => setTimeout(r, 20));
    }
    delays.sort((a, b) => a - b);
    const pct = (p: number): number => delays[Math.min(delays.length - 1, Math.ceil((p / 100) * delays.length) - 1)]!;
    const p99 = pct(99);
    h.note(
      `ZooKeeper write -> ${RESOLVERS} resolvers applying it (${BASE_ENTRIES}-${BASE_ENTRIES + WARM_UP + WRITES} entries, ${WRITES} writes after ${WARM_UP} warm-up writes, ${delays.length} samples): ` +
        `p50 ${pct(50).toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${delays[delays.length - 1]!.toFixed(1)} ms ` +
        `(${p99 <= GOAL_P99_MS ? 'meets' : 'BELOW'} the goal p99 <= ${GOAL_P99_MS} ms); load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`,
    );
  } finally {
    unsubscribe(listLoadedChannel.name, onLoaded);
    for (const r of resolvers) r.close();
    for (const c of clients) await c.close();
    await zk.stop();
  }
}
