/**
 * Token MACs: HMAC-SHA1 over a 100-byte identifier, the computation behind every delegation, block
 * and job token check (SecretManager.createPassword). Measured in interleaved slices: node:crypto's
 * createHmac (one native HMAC object per check, hsec's path before issue 11, the baseline), hsec's
 * createPassword (JavaScript SHA-1 over the key's cached padded blocks, security/crypto/hmac-sha1.ts),
 * a whole check (createPassword + constant-time compare), and the JDK's HmacSHA1 with one Mac
 * initialized once (bench/java/JdkCryptoBench.java, as Hadoop checks passwords) in slices of its own.
 * Goal (issue 11): createPassword at least 1.5 M ops/s.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { Harness, InterleavedEntry } from '../harness.ts';
import { createPassword, generateSecret, passwordsEqual } from '../../security/token/keys/hmac.ts';
import { jdkAvailable, JavaMeter } from '../jdk.ts';

export const name = 'token-hmac';

const GROUP = 'hmac-sha1 100 bytes';

export async function run(h: Harness): Promise<void> {
  const key = generateSecret();
  const identifier = randomBytes(100);
  const expected = createPassword(identifier, key);
  const jdk = jdkAvailable() ? await JavaMeter.start(['hmac']) : undefined;
  try {
    const entries: InterleavedEntry[] = [
      { name: `${GROUP}: node:crypto createHmac per check`, fn: () => createHmac('sha1', key).update(identifier).digest(), options: { group: GROUP, baseline: true } },
      { name: `${GROUP}: hsec createPassword (cached key blocks)`, fn: () => createPassword(identifier, key), options: { group: GROUP } },
      { name: `${GROUP}: hsec token check (createPassword + constant-time compare)`, fn: () => passwordsEqual(createPassword(identifier, key), expected), options: { group: GROUP } },
    ];
    if (jdk) entries.push({ name: `${GROUP}: JDK HmacSHA1 (Mac.init once, doFinal per check)`, slice: (ms) => jdk.slice(100, ms), options: { group: GROUP } });
    const [, ours, , theirs] = await h.measureInterleaved(entries, 6);
    h.note(`createPassword: ${(ours!.opsPerSec / 1e6).toFixed(2)} M ops/s (goal 1.5 M ops/s: ${ours!.opsPerSec >= 1.5e6 ? 'MET' : 'MISSED'})`);
    if (theirs) h.note(`JDK HmacSHA1: ${(theirs.opsPerSec / 1e6).toFixed(2)} M ops/s; hsec createPassword / JDK = ${(ours!.opsPerSec / theirs.opsPerSec).toFixed(2)}`);
    else h.note('JDK HmacSHA1 skipped: java/javac not installed (apt-get install openjdk-17-jdk-headless)');
  } finally {
    await jdk?.stop();
  }
}
