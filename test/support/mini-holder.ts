/**
 * A child-process script for lifecycle tests: starts a MiniKdc and a MiniZooKeeper, prints
 * `pids <kdc> <zk>` and waits forever, so a test can signal it and check nothing is left behind.
 * Run as `node --import tsx test/support/mini-holder.ts`.
 */
import { MiniKdc } from '../../cluster/mini/mini-kdc.ts';
import { MiniZooKeeper } from '../../cluster/mini/mini-zookeeper.ts';

const kdc = await MiniKdc.start();
const zk = await MiniZooKeeper.start();
process.stdout.write(`pids ${kdc.pid} ${zk.pid} dirs ${kdc.dir} ${zk.dir}\n`);
setInterval(() => {}, 1 << 30);
