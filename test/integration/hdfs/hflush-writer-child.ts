// The writer that dies, for lease-recovery.test.ts, run as its own process so the test can SIGKILL
// it: as the user of HADOOP_CONF_DIR / KRB5CCNAME it creates argv[2], writes the first argv[3]
// bytes of leaseRecoveryPattern(), hflushes, prints "FLUSHED <bytes>", then waits to be killed (its
// lease renewer and its pipeline connection stay open until then).
import { HdfsClient } from '../../../cluster/client/hdfs-client.ts';
import { leaseRecoveryPattern } from './lease-recovery-pattern.ts';

const [path, count] = process.argv.slice(2);
const fs = await HdfsClient.connect();
const out = fs.createWriteStream(path!);
const data = leaseRecoveryPattern(Number(count));
await new Promise<void>((resolve, reject) => out.write(data, (e) => (e ? reject(e) : resolve())));
await out.hflush();
process.stdout.write(`FLUSHED ${data.length}\n`);
setInterval(() => undefined, 60_000);
