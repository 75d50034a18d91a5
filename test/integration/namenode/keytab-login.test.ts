/**
 * The NameNode's own keytab login (`login: true`, as `hsec namenode` and the pseudo-cluster start it;
 * Hadoop's NameNode.loginAsNameNodeUser), over a real MIT KDC: a stale keytab fails the start with a
 * typed error naming principal and keytab; hadoop.kerberos.keytab.login.autorenewal.enabled and
 * hadoop.kerberos.min.seconds.before.relogin decide whether and how soon the login renews itself.
 */
import { expect } from 'chai';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { NameNode } from '../../../cluster/namenode/namenode.ts';
import { KerberosError } from '../../../lib/errors/index.ts';
import { loadKrb5Config } from '../../../security/kerberos/config/index.ts';
import type { ReloginEvent } from '../../../security/kerberos/login/index.ts';
import { useMiniKdc } from '../../support/fixtures.ts';
import { kerberosClient, loginUser, nnConf, rejection } from './namenode-fixture.ts';

const TICKET_LIFE_S = 12;

describe('namenode: keytab login at start (MIT KDC, 12-second tickets)', function () {
  this.timeout(90_000);
  const realm = useMiniKdc({ maxTicketLifeSeconds: TICKET_LIFE_S });
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'hsec-nn-login-'));
  });
  after(() => dir && rmSync(dir, { recursive: true, force: true }));

  it('a stale keytab (old kvno) fails the start with a typed error naming the principal and keytab', async () => {
    const keytab = join(dir, 'stale.keytab');
    await realm.kdc.createKeytab(keytab, 'nn/localhost');
    await realm.kdc.randomizeKey('nn/localhost');
    const conf = nnConf(realm.kdc, join(dir, 'stale'), keytab, 'privacy');
    const e = await rejection(NameNode.start(conf, { login: true, krb5: loadKrb5Config(realm.kdc.krb5ConfPath) }));
    expect(e).to.be.instanceOf(KerberosError);
    expect(e.code).to.match(/^KRB_/);
    expect(e.message).to.contain(`Login failure for nn/localhost@${realm.kdc.realm} from keytab ${keytab}`);
    expect(e.details?.['keytab']).to.equal(keytab);
    // Without the login the same keytab starts (accepting needs no KDC) and fails only on a client's call.
    const nn = await NameNode.start(conf);
    await nn.stop();
  });

  it('autorenewal on: the login renews itself before expiry (no sooner than min.seconds.before.relogin); off: it does not', async () => {
    await realm.kdc.createKeytab(join(dir, 'nn.keytab'), 'nn/localhost');
    await realm.kdc.createKeytab(join(dir, 'hdfs.keytab'), 'hdfs/localhost');
    const krb5 = loadKrb5Config(realm.kdc.krb5ConfPath);
    const relogins: ReloginEvent[] = [];
    const onRelogin = (m: unknown): void => void relogins.push(m as ReloginEvent);
    subscribe('hsec:kerberos:relogin', onRelogin);
    const on = await NameNode.start(nnConf(realm.kdc, join(dir, 'on'), join(dir, 'nn.keytab'), 'privacy', 0, {
      'hadoop.kerberos.keytab.login.autorenewal.enabled': 'true',
      'hadoop.kerberos.min.seconds.before.relogin': '2',
    }), { login: true, krb5 });
    const off = await NameNode.start(nnConf(realm.kdc, join(dir, 'off'), join(dir, 'hdfs.keytab'), 'privacy', 0, {
      'dfs.namenode.kerberos.principal': `hdfs/localhost@${realm.kdc.realm}`,
      'dfs.block.access.token.enable': 'true',
      'hadoop.kerberos.min.seconds.before.relogin': '2',
    }), { login: true, krb5 });
    try {
      const first = on.login!.expiresAt;
      expect(on.login!.principal.name.components.join('/')).to.equal('nn/localhost');
      expect(first - on.login!.tgt.startTime).to.be.at.most(TICKET_LIFE_S * 1000);
      await sleep(TICKET_LIFE_S * 1000 + 1500);
      const ok = relogins.filter((r) => r.ok && r.principal === `nn/localhost@${realm.kdc.realm}`);
      expect(ok.length, JSON.stringify(relogins)).to.be.at.least(1);
      expect(on.login!.expiresAt).to.be.greaterThan(first);
      expect(relogins.filter((r) => r.principal === `hdfs/localhost@${realm.kdc.realm}`)).to.deep.equal([]);
      // The renewed NameNode still serves Kerberos callers.
      const cc = await loginUser(realm.kdc, dir, 'alice');
      const c = kerberosClient(realm.kdc, cc, 'alice', on.address, 'privacy');
      try {
        expect((await c.nn.getDelegationToken('yarn'))!.kind).to.equal('HDFS_DELEGATION_TOKEN');
      } finally {
        c.close();
      }
    } finally {
      unsubscribe('hsec:kerberos:relogin', onRelogin);
      await on.stop();
      await off.stop();
    }
  });
});
