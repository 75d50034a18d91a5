/**
 * User.fromTicketCache when there is nothing to log in with: the message names the cache, where its
 * name came from (KRB5CCNAME, default_ccache_name) and says once what to do. No KDC is needed: the
 * login fails reading the cache.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { User } from '../../../security/identity/user.ts';
import { KerberosError } from '../../../lib/errors/index.ts';
import { rejectsCode } from '../../support/errors.ts';

describe('identity/User.fromTicketCache without a ticket cache', () => {
  let dir: string;
  let krb5: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'hsec-nocc-'));
    krb5 = join(dir, 'krb5.conf');
    writeFileSync(krb5, `[libdefaults]\n default_realm = EXAMPLE.TEST\n default_ccache_name = FILE:${dir}/from-conf\n[realms]\n EXAMPLE.TEST = {\n  kdc = 127.0.0.1:1\n }\n`);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('KRB5CCNAME naming a missing file: KRB_NO_CREDENTIALS naming the file and KRB5CCNAME, one kinit hint', async () => {
    const missing = join(dir, 'nope', 'cc');
    const e = await rejectsCode(User.fromTicketCache({ env: { KRB5_CONFIG: krb5, KRB5CCNAME: `FILE:${missing}` } }), 'KRB_NO_CREDENTIALS', KerberosError);
    expect(e.message).to.equal(`No Kerberos credentials: no ticket cache at FILE:${missing} (named by KRB5CCNAME); run hsec kinit <principal> (or MIT kinit) first`);
    expect(e.message.match(/kinit/g)).to.have.length(2); // "hsec kinit" and "MIT kinit", once
  });

  it("krb5.conf's default_ccache_name is named as the source when KRB5CCNAME is unset", async () => {
    const e = await rejectsCode(User.fromTicketCache({ env: { KRB5_CONFIG: krb5 } }), 'KRB_NO_CREDENTIALS', KerberosError);
    expect(e.message).to.contain(`no ticket cache at FILE:${dir}/from-conf (named by default_ccache_name)`);
  });
});
