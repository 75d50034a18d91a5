/**
 * Child process of token-store-durability.test.ts: a secret manager on a JournalTokenStore in
 * `argv[2]` (compacting every 32 KiB so kills land during compactions too) issuing, renewing and
 * cancelling tokens in concurrent bursts until it is killed. It prints one line per operation only
 * after the operation's promise resolved (i.e. once it is durable): `I <token url> <renewDate>`,
 * `R <token url> <renewDate>`, `C <token url>`, and `c <token url>` before it asks for a cancel (a
 * cancel may be durable and killed before its `C`). stdout is a pipe: writes are synchronous on Linux.
 */
import { DelegationTokenSecretManager } from '../../../security/token/secret-manager.ts';
import { JournalTokenStore } from '../../../security/token/store/journal/journal-token-store.ts';
import type { Token } from '../../../security/token/token.ts';

const dir = process.argv[2]!;
const sm = new DelegationTokenSecretManager({ store: new JournalTokenStore({ dir, compactionMinBytes: 32 * 1024 }) });
await sm.start(false);
const say = (line: string): void => void process.stdout.write(`${line}\n`);
say('READY');

const live: Token[] = [];
for (let round = 0; ; round++) {
  const ops: Promise<unknown>[] = [];
  for (let i = 0; i < 40; i++) {
    ops.push(sm.createToken({ owner: `c${process.pid}-${round}-${i}@EXAMPLE.TEST`, renewer: 'yarn' }).then(({ token, renewDate }) => {
      live.push(token);
      say(`I ${token.encodeToUrlString()} ${renewDate}`);
    }));
  }
  for (let i = 0; i < 8 && live.length > 20; i++) {
    const token = live[Math.floor(Math.random() * live.length)]!;
    ops.push(sm.renewToken(token, 'yarn').then((renewDate) => say(`R ${token.encodeToUrlString()} ${renewDate}`), () => undefined));
  }
  for (let i = 0; i < 5 && live.length > 20; i++) {
    const token = live.splice(Math.floor(Math.random() * live.length), 1)[0]!;
    say(`c ${token.encodeToUrlString()}`);
    ops.push(sm.cancelToken(token, token.decodeIdentifier()!.user()!.userName).then(() => say(`C ${token.encodeToUrlString()}`)));
  }
  await Promise.all(ops);
}
