// The NameNode as a pseudo-cluster daemon (what `hsec start` runs): it starts from the conf dir the
// pseudo-cluster writes (nn/_HOST principal, keytab, selective encryption, auth_to_local) and serves a token
// to alice, who logs in from her keytab with MIT kinit.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PseudoCluster } from '../../../cluster/mini/pseudo-cluster.ts';
import { ZOOKEEPER_JAR, zookeeperInstalled } from '../../../cluster/mini/mini-zookeeper.ts';
import { namenodeDaemon } from '../../../cluster/namenode/pseudo-daemon.ts';
import { runFetchdt } from '../../../cluster/cli/commands/fetchdt.ts';
import { readTokenStorageFile } from '../../../security/token/credentials-file.ts';
import { DelegationTokenIdentifier } from '../../../security/token/delegation-token-identifier.ts';
import { requireBinariesOrSkip, skipOrFail } from '../../support/binaries.ts';
import { kinit } from '../../support/krb5-clients.ts';

describe('namenode in the pseudo-cluster (hsec start)', function () {
  this.timeout(180_000);
  let cluster: PseudoCluster | undefined;

  before(async function () {
    requireBinariesOrSkip(this, 'krb5kdc', 'kdb5_util', 'kadmin.local', 'kinit', 'kvno', 'java');
    if (!zookeeperInstalled()) skipOrFail(this, `missing ${ZOOKEEPER_JAR}`);
    // As `hsec -D ... start`: one generated property replaced, one added; daemon and clients see both.
    cluster = await PseudoCluster.start({ daemons: [namenodeDaemon], properties: { 'hadoop.rpc.protection': 'integrity', 'dfs.namenode.delegation.token.max-lifetime': '3600000' } });
  });
  after(async () => cluster?.stop());

  it('alice fetches a delegation token from the pseudo-cluster NameNode', async () => {
    const c = cluster!;
    const ccache = join(c.dir, 'cc-alice');
    const env = { ...c.kdc.env(ccache), HADOOP_CONF_DIR: c.confDir };
    await kinit(env, ['-kt', c.alice.keytab, c.alice.principal]);
    const file = join(c.dir, 'alice.token');
    const lines: string[] = [];
    expect(await runFetchdt(undefined, file, { renewer: 'alice' }, { env, out: (s) => void lines.push(s) })).to.equal(0);
    const [[alias, token]] = (await readTokenStorageFile(file)).tokens() as [[string, import('../../../security/token/token.ts').Token]];
    expect(alias).to.match(/^(127\.0\.0\.1|\[::1\]):\d+$/);
    expect(alias).to.equal(token.service);
    expect(alias.endsWith(`:${c.namenodeAddress.split(':')[1]}`)).to.equal(true);
    const id = DelegationTokenIdentifier.decode(token.identifier);
    expect(id.owner).to.equal(c.alice.principal);
    expect(id.maxDate - id.issueDate).to.equal(3_600_000); // dfs.namenode.delegation.token.max-lifetime from -D
    const core = readFileSync(join(c.confDir, 'core-site.xml'), 'utf8');
    expect(core).to.include('<name>hadoop.rpc.protection</name>\n    <value>integrity</value>');
    expect(core).to.not.include('<value>authentication,privacy</value>'); // the generated value, replaced in place
  });
});
