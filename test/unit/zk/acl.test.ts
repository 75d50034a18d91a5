/**
 * Hadoop's ZooKeeper configuration syntax (ZKUtil.parseACLs / parseAuth), ZooKeeper's digest ids
 * (vectors from ZooKeeper's own DigestAuthenticationProvider), connect strings
 * (ConnectStringParser) and path rules (PathUtils.validatePath).
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { Perms, digestId, formatAcl, parseAcls, parseAuthInfos, parseConnectString } from '../../../lib/zk/index.ts';
import { toClientPath, toServerPath, validatePath } from '../../../lib/zk/paths.ts';
import { expectCode } from '../../support/expect-code.ts';

const vectors = JSON.parse(readFileSync(new URL('../../vectors/zk-digest.json', import.meta.url), 'utf8')) as { vectors: { input: string; id: string }[] };

describe('ZooKeeper ACLs, auth infos and digest ids', () => {
  it('parses hadoop.zk.acl as ZKUtil.parseACLs: first and last colon, perms letters, empty items dropped', () => {
    const acls = parseAcls(' digest:admin:fvr2cB/fjGeAiX8g1aGhUm3ZICk=:cdrwa , world:anyone:r,,sasl:nn/host@EXAMPLE.TEST:rw ');
    expect(acls).to.deep.equal([
      { scheme: 'digest', id: 'admin:fvr2cB/fjGeAiX8g1aGhUm3ZICk=', perms: Perms.ALL },
      { scheme: 'world', id: 'anyone', perms: Perms.READ },
      { scheme: 'sasl', id: 'nn/host@EXAMPLE.TEST', perms: Perms.READ | Perms.WRITE },
    ]);
    expect(parseAcls('world:anyone:rwcda')[0]!.perms).to.equal(31);
    expect(parseAcls('world:anyone:')[0]!.perms).to.equal(0);
    expect(formatAcl(acls[0]!)).to.equal('digest:admin:fvr2cB/fjGeAiX8g1aGhUm3ZICk=:rwcda');
    expect(parseAcls(undefined)).to.deep.equal([]);
  });

  it('refuses malformed ACLs with the configuration key in the error', () => {
    const e = expectCode(() => parseAcls('world:anyone'), 'CONFIG_INVALID');
    expect(e.message).to.include('scheme:id:perm').and.include('hadoop.zk.acl');
    expect(expectCode(() => parseAcls('world:anyone:rwx'), 'CONFIG_INVALID').message).to.include("Invalid permission 'x'");
  });

  it('parses hadoop.zk.auth as ZKUtil.parseAuth, splitting at the first colon, without echoing secrets on error', () => {
    const infos = parseAuthInfos('digest:admin:s3cr:et, sasl:ignored');
    expect(infos.map((i) => [i.scheme, Buffer.from(i.auth).toString()])).to.deep.equal([
      ['digest', 'admin:s3cr:et'],
      ['sasl', 'ignored'],
    ]);
    const e = expectCode(() => parseAuthInfos('adminpassword'), 'CONFIG_INVALID');
    expect(e.message).to.not.include('adminpassword');
  });

  it("computes digest ids exactly as ZooKeeper's DigestAuthenticationProvider.generateDigest", () => {
    for (const v of vectors.vectors) expect(digestId(v.input), v.input).to.equal(v.id);
  });
});

describe('ZooKeeper connect strings and paths', () => {
  it('parses host:port lists, default port 2181, IPv6 brackets and a chroot', () => {
    const cs = parseConnectString('zk1.example.test:2182, zk2 ,[::1]:2183/hadoop/zk');
    expect(cs.servers).to.deep.equal([
      { host: 'zk1.example.test', port: 2182 },
      { host: 'zk2', port: 2181 },
      { host: '::1', port: 2183 },
    ]);
    expect(cs.chroot).to.equal('/hadoop/zk');
    expect(parseConnectString('127.0.0.1:2181/').chroot).to.equal('');
  });

  it('refuses empty lists, bad ports and bad chroots as ZK_BAD_ARGUMENTS naming hadoop.zk.address', () => {
    for (const bad of ['', ',', 'h:0', 'h:70000', 'h:x', 'h:1/a//b', 'h:1/a/']) {
      const e = expectCode(() => parseConnectString(bad), 'ZK_BAD_ARGUMENTS');
      expect(e.message, bad).to.include('hadoop.zk.address');
    }
  });

  it('validates paths as PathUtils.validatePath (sequential names may end in /)', () => {
    for (const ok of ['/', '/a', '/a/b.c', '/a/..b', '/zookeeper/quota']) validatePath(ok);
    validatePath('/a/', true);
    for (const bad of ['', 'a', '/a/', '/a//b', '/a/./b', '/a/..', '/a\u0001', '/a\ud800']) expectCode(() => validatePath(bad), 'ZK_BAD_ARGUMENTS');
  });

  it('maps client paths under a chroot and back', () => {
    expect(toServerPath('/r', '/')).to.equal('/r');
    expect(toServerPath('/r', '/a')).to.equal('/r/a');
    expect(toClientPath('/r', '/r')).to.equal('/');
    expect(toClientPath('/r', '/r/a/b')).to.equal('/a/b');
    expect(toClientPath('/r', '/rx')).to.equal('/rx');
    expect(toServerPath('', '/a')).to.equal('/a');
  });
});
