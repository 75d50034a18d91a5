import { expect } from 'chai';
import { ManualClock } from '../../../lib/time/clock.ts';
import { AccessControlError } from '../../../lib/errors/index.ts';
import type { CallContext } from '../../../lib/rpc/call-context.ts';
import { DelegationTokenSecretManager } from '../../../security/token/secret-manager.ts';
import { DelegationTokenIdentifier } from '../../../security/token/delegation-token-identifier.ts';
import { NameNodeTokenService } from '../../../cluster/namenode/token-service.ts';
import type { TokenCaller } from '../../../cluster/namenode/token-service.ts';
import { delegationTokenAuthority } from '../../../security/sasl/rpc/token-authority.ts';
import { auditLines } from '../../support/log-lines.ts';
import {
  decodeGetDelegationTokenResponse, decodeRenewDelegationTokenResponse, encodeGetDelegationTokenRequest, encodeTokenRequest,
} from '../../../cluster/protocol/client-protocol.ts';

const alice: TokenCaller = { user: 'alice@EXAMPLE.COM', shortUser: 'alice', authMethod: 'KERBEROS', remoteAddress: '127.0.0.1' };
// oozie (Kerberos) impersonating alice: CallContext keeps the real user's auth method
const proxied: TokenCaller = { user: 'alice', shortUser: 'alice', realUser: 'oozie@EXAMPLE.COM', authMethod: 'KERBEROS', remoteAddress: '127.0.0.1' };
const viaToken: TokenCaller = { user: 'alice@EXAMPLE.COM', shortUser: 'alice', authMethod: 'TOKEN', remoteAddress: '127.0.0.1' };
const yarn: TokenCaller = { user: 'yarn/rm@EXAMPLE.COM', shortUser: 'yarn', authMethod: 'KERBEROS', remoteAddress: '127.0.0.5' };
const bob: TokenCaller = { user: 'bob@EXAMPLE.COM', shortUser: 'bob', authMethod: 'KERBEROS', remoteAddress: '127.0.0.2' };

async function rejected(p: Promise<unknown>): Promise<Error> {
  return p.then(() => expect.fail('allowed'), (e: Error) => e);
}

function ctx(c: TokenCaller): CallContext {
  return { ...c, protocol: 'org.apache.hadoop.hdfs.protocol.ClientProtocol', method: 'x', clientProtocolVersion: 1n, callId: 0, clientId: new Uint8Array(16), retryCount: 0, remotePort: 1, attributes: {} };
}

describe('namenode/NameNodeTokenService (FSNamesystem token rules)', () => {
  let sm: DelegationTokenSecretManager;
  let svc: NameNodeTokenService;
  const clock = new ManualClock();
  beforeEach(async () => {
    sm = new DelegationTokenSecretManager({ clock });
    await sm.start(false);
    svc = new NameNodeTokenService({ secretManager: sm });
  });
  afterEach(() => sm.stop());

  it('issues to a Kerberos caller with owner = full name and an empty service, through the wire handler', async () => {
    const res = await svc.handlers()['getDelegationToken']!(encodeGetDelegationTokenRequest('yarn/rm@EXAMPLE.COM'), ctx(alice));
    const token = decodeGetDelegationTokenResponse(res)!;
    expect(token.service).to.equal('');
    const id = DelegationTokenIdentifier.decode(token.identifier);
    expect([id.owner, id.renewer, id.realUser]).to.deep.equal(['alice@EXAMPLE.COM', 'yarn', '']);
    const renewed = await svc.handlers()['renewDelegationToken']!(encodeTokenRequest('renew', token), ctx(yarn));
    expect(decodeRenewDelegationTokenResponse(renewed)).to.equal(clock.now() + 86_400_000);
  });

  it('a proxy user gets a token whose realUser is the real user; token auth then names both', async () => {
    const token = (await svc.getDelegationToken('', proxied))!;
    const id = DelegationTokenIdentifier.decode(token.identifier);
    expect([id.owner, id.realUser]).to.deep.equal(['alice', 'oozie@EXAMPLE.COM']);
    const who = delegationTokenAuthority(sm).identify(token.identifier);
    expect(who.user).to.equal('alice');
    expect(who.realUser).to.equal('oozie@EXAMPLE.COM');
    expect(Buffer.from(await delegationTokenAuthority(sm).retrievePassword(token.identifier)).equals(token.password)).to.equal(true);
  });

  it('TOKEN-authenticated callers cannot get or renew, but may cancel their own token', async () => {
    const token = (await svc.getDelegationToken('alice', alice))!;
    for (const call of [() => svc.getDelegationToken('x', viaToken), () => svc.renewDelegationToken(token, viaToken)]) {
      try {
        await call();
        expect.fail('allowed');
      } catch (e) {
        expect(e).to.be.instanceOf(AccessControlError);
        expect((e as AccessControlError).details['exceptionClassName']).to.equal('java.io.IOException');
        expect((e as Error).message).to.match(/^Delegation Token can be (issued|renewed) only with kerberos or web authentication$/);
      }
    }
    await svc.cancelDelegationToken(token, viaToken);
    expect(sm.tokenCount).to.equal(0);
  });

  it('with security off anyone may ask, and a stopped secret manager yields no token', async () => {
    const open = new NameNodeTokenService({ secretManager: sm, securityEnabled: false });
    expect(await open.getDelegationToken('', viaToken)).to.not.equal(undefined);
    await sm.stop();
    expect(await open.getDelegationToken('', alice)).to.equal(undefined);
  });

  it('audit lines: src is the identifier\'s toStringStable() (never the password); only AccessControlExceptions are audited as refused', async () => {
    let seq = 0;
    let password = '';
    const lines = await auditLines(async () => {
      const token = (await svc.getDelegationToken('yarn', alice))!;
      seq = DelegationTokenIdentifier.decode(token.identifier).sequenceNumber;
      password = Buffer.from(token.password).toString('hex');
      await svc.renewDelegationToken(token, yarn);
      expect(await rejected(svc.renewDelegationToken(token, bob))).to.be.instanceOf(AccessControlError); // non-matching renewer
      await rejected(svc.getDelegationToken('yarn', viaToken)); // IOException: not audited
      await rejected(svc.renewDelegationToken(token, viaToken)); // IOException: not audited
      expect(await rejected(svc.cancelDelegationToken(token, bob))).to.be.instanceOf(AccessControlError); // not owner nor renewer
      await svc.cancelDelegationToken(token, alice);
      await rejected(svc.cancelDelegationToken(token, alice)); // InvalidToken "Token not found": not audited
      await svc.getDelegationToken('', proxied);
    });
    const id = (n: number, renewer: string) => `HDFS_DELEGATION_TOKEN token ${n} for alice with renewer ${renewer}`;
    expect(lines.map((l) => l['line'])).to.deep.equal([
      `allowed=true\tugi=alice@EXAMPLE.COM (auth:KERBEROS)\tip=/127.0.0.1\tcmd=getDelegationToken\tsrc=${id(seq, 'yarn')}\tdst=null\tperm=null\tproto=rpc`,
      `allowed=true\tugi=yarn/rm@EXAMPLE.COM (auth:KERBEROS)\tip=/127.0.0.5\tcmd=renewDelegationToken\tsrc=${id(seq, 'yarn')}\tdst=null\tperm=null\tproto=rpc`,
      `allowed=false\tugi=bob@EXAMPLE.COM (auth:KERBEROS)\tip=/127.0.0.2\tcmd=renewDelegationToken\tsrc=${id(seq, 'yarn')}\tdst=null\tperm=null\tproto=rpc`,
      `allowed=false\tugi=bob@EXAMPLE.COM (auth:KERBEROS)\tip=/127.0.0.2\tcmd=cancelDelegationToken\tsrc=${id(seq, 'yarn')}\tdst=null\tperm=null\tproto=rpc`,
      `allowed=true\tugi=alice@EXAMPLE.COM (auth:KERBEROS)\tip=/127.0.0.1\tcmd=cancelDelegationToken\tsrc=${id(seq, 'yarn')}\tdst=null\tperm=null\tproto=rpc`,
      `allowed=true\tugi=alice (auth:PROXY) via oozie@EXAMPLE.COM (auth:KERBEROS)\tip=/127.0.0.1\tcmd=getDelegationToken\tsrc=${id(seq + 1, '')}\tdst=null\tperm=null\tproto=rpc`,
    ]);
    expect(JSON.stringify(lines)).to.not.contain(password);
  });
});
