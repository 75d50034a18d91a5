/**
 * Shared mocha fixtures: one real MIT KDC and/or one real ZooKeeper per suite, started in a
 * `before` hook and stopped by pid in an `after` hook. Call them inside `describe`:
 *
 *   const realm = useMiniKdc({ maxTicketLifeSeconds: 60 });
 *   it('...', async () => { await realm.kdc.createKeytab(path, 'nn/localhost'); });
 *
 * A missing binary skips the suite loudly, or fails it when CI=true (see ./binaries.ts).
 */
import { MiniKdc, type MiniKdcOptions } from '../../cluster/mini/mini-kdc.ts';
import { MiniZooKeeper, ZOOKEEPER_JAR, zookeeperInstalled, type MiniZooKeeperOptions } from '../../cluster/mini/mini-zookeeper.ts';
import { requireBinariesOrSkip, skipOrFail } from './binaries.ts';
import { HEIMDAL_ROOT, HeimdalKdc, missingHeimdalPrograms, type HeimdalKdcOptions } from './heimdal-kdc.ts';

/** A handle whose `kdc` is available from the suite's `before` hook until its `after` hook. */
export interface KdcFixture {
  readonly kdc: MiniKdc;
}

/** A handle whose `kdc` (a Heimdal KDC) is available from the suite's `before` hook until its `after` hook. */
export interface HeimdalKdcFixture {
  readonly kdc: HeimdalKdc;
}

/** A Heimdal realm per suite (test/support/heimdal-kdc.ts); Heimdal is unpacked by `npm run setup`. */
export function useHeimdalKdc(opts: HeimdalKdcOptions = {}): HeimdalKdcFixture {
  let kdc: HeimdalKdc | undefined;
  before(async function () {
    this.timeout(60_000);
    const missing = missingHeimdalPrograms();
    if (missing.length > 0) {
      skipOrFail(this, `Heimdal is not unpacked under ${HEIMDAL_ROOT} (missing ${missing.join(', ')}; run \`npm run setup\`, or set HSEC_HEIMDAL_ROOT)`);
    }
    kdc = await HeimdalKdc.start(opts);
  });
  after(async function () {
    this.timeout(30_000);
    await kdc?.stop();
    kdc = undefined;
  });
  return {
    get kdc(): HeimdalKdc {
      if (!kdc) throw new Error('the HeimdalKdc fixture is not running (use it inside it()/before() of the same describe)');
      return kdc;
    },
  };
}

/** A handle whose `zk` is available from the suite's `before` hook until its `after` hook. */
export interface ZooKeeperFixture {
  readonly zk: MiniZooKeeper;
}

export function useMiniKdc(opts: MiniKdcOptions = {}): KdcFixture {
  let kdc: MiniKdc | undefined;
  before(async function () {
    this.timeout(60_000);
    requireBinariesOrSkip(this, 'krb5kdc', 'kdb5_util', 'kadmin.local');
    kdc = await MiniKdc.start(opts);
  });
  after(async function () {
    this.timeout(30_000);
    await kdc?.stop();
    kdc = undefined;
  });
  return {
    get kdc(): MiniKdc {
      if (!kdc) throw new Error('the MiniKdc fixture is not running (use it inside it()/before() of the same describe)');
      return kdc;
    },
  };
}

/**
 * `opts` may be a function, called in the `before` hook: e.g. `() => ({ kerberos: { kdc: realm.kdc } })`
 * with a `useMiniKdc()` declared earlier in the same describe (its hook runs first).
 */
export function useMiniZooKeeper(opts: MiniZooKeeperOptions | (() => MiniZooKeeperOptions) = {}): ZooKeeperFixture {
  let zk: MiniZooKeeper | undefined;
  before(async function () {
    this.timeout(90_000);
    requireBinariesOrSkip(this, 'java');
    if (!zookeeperInstalled()) skipOrFail(this, `missing ${ZOOKEEPER_JAR} (Debian: apt-get install zookeeper; or run \`npm run setup\`)`);
    zk = await MiniZooKeeper.start(typeof opts === 'function' ? opts() : opts);
  });
  after(async function () {
    this.timeout(30_000);
    await zk?.stop();
    zk = undefined;
  });
  return {
    get zk(): MiniZooKeeper {
      if (!zk) throw new Error('the MiniZooKeeper fixture is not running (use it inside it()/before() of the same describe)');
      return zk;
    },
  };
}
