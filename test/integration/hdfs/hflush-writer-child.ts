// The writer that dies, for lease-recovery.test.ts, run as its own process so the test can SIGKILL
// it: as the user of HADOOP_CONF_DIR / KRB5CCNAME it creates argv[2] (or, with argv[4] = FROM,
// appends to the closed file of FROM bytes), writes leaseRecoveryPattern() up to byte argv[3],
// hflushes, prints "FLUSHED <bytes>", then waits to be killed (its lease renewer and its pipeline
// connection stay open until then).
import { HdfsClient } from '../../../cluster/client/hdfs-client.ts';
import { leaseRecoveryPattern } from './lease-recovery-pattern.ts';

const [path, count, from] = process.argv.slice(2);
const fs = await HdfsClient.connect();
const out = from === undefined ? fs.createWriteStream(path!) : fs.append(path!);
const data = leaseRecoveryPattern(Number(count)).subarray(Number(from ?? 0));
await new Promise<void>((resolve, reject) => out.write(data, (e) => (e ? reject(e) : resolve())));
await out.hflush();
process.stdout.write(`FLUSHED ${data.length}\n`);
setInterval(() => undefined, 60_000);
