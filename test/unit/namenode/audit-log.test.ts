// The NameNode audit line as Hadoop 3.4.1's FSNamesystemAuditLogger writes it: field order, the
// trailing proto=rpc, escapeJava on src and dst (a path cannot start a forged line), the address as
// InetAddress.getHostAddress prints it, and the ugi text UserGroupInformation.toString() gives the
// users Hadoop's Server builds (Kerberos, token, SIMPLE, proxies).
import { expect } from 'chai';
import { AuditLog, auditLine, escapeJava } from '../../../cluster/namenode/audit-log.ts';
import { ugiString } from '../../../lib/rpc/ugi-string.ts';
import { auditLines } from '../../support/log-lines.ts';

describe('namenode/audit log line (FSNamesystem.FSNamesystemAuditLogger)', () => {
  it('writes allowed, ugi, ip, cmd, src, dst, perm and proto=rpc, tab separated, null for what is absent', async () => {
    const log = new AuditLog();
    const lines = await auditLines(async () => {
      log.log({ allowed: true, ugi: 'alice@EXAMPLE.COM (auth:KERBEROS)', ip: '127.0.0.1', cmd: 'rename', src: '/a', dst: '/b', perm: 'alice:staff:rw-r--r--' });
      log.log({ allowed: false, ugi: 'bob (auth:SIMPLE)', ip: '10.1.2.3', cmd: 'datanodeReport', src: null });
    });
    expect(lines.map((l) => l['line'])).to.deep.equal([
      'allowed=true\tugi=alice@EXAMPLE.COM (auth:KERBEROS)\tip=/127.0.0.1\tcmd=rename\tsrc=/a\tdst=/b\tperm=alice:staff:rw-r--r--\tproto=rpc',
      'allowed=false\tugi=bob (auth:SIMPLE)\tip=/10.1.2.3\tcmd=datanodeReport\tsrc=null\tdst=null\tperm=null\tproto=rpc',
    ]);
    expect(lines[1]).to.include({ allowed: false, cmd: 'datanodeReport', src: null, dst: null, perm: null, proto: 'rpc' });
  });

  it('dfs.namenode.audit.log.debug.cmdlist: the listed commands are written only when the logger is at DEBUG', async () => {
    const log = new AuditLog(['getfileinfo', 'listStatus']);
    const event = (cmd: string) => ({ allowed: true, ugi: 'alice (auth:SIMPLE)', ip: '127.0.0.1', cmd, src: '/' });
    const run = async () => {
      for (const cmd of ['getfileinfo', 'mkdirs', 'listStatus']) log.log(event(cmd));
    };
    expect((await auditLines(run, 'info')).map((l) => l['cmd'])).to.deep.equal(['mkdirs']);
    expect((await auditLines(run, 'debug')).map((l) => l['cmd'])).to.deep.equal(['getfileinfo', 'mkdirs', 'listStatus']);
    expect(await auditLines(run, 'warn'), 'the audit log off: nothing formatted or written').to.deep.equal([]);
  });

  it('escapes src and dst as StringEscapeUtils.escapeJava: a newline in a name cannot forge a second line', () => {
    const line = auditLine({ allowed: true, ugi: 'u (auth:SIMPLE)', ip: '127.0.0.1', cmd: 'mkdirs', src: '/x\nallowed=true\tugi=hdfs', dst: '/q"\\é\u007f\u0001😀' });
    expect(line.split('\n')).to.have.length(1);
    expect(line).to.equal('allowed=true\tugi=u (auth:SIMPLE)\tip=/127.0.0.1\tcmd=mkdirs\tsrc=/x\\nallowed=true\\tugi=hdfs\tdst=/q\\"\\\\\\u00E9\u007f\\u0001\\uD83D\\uDE00\tperm=null\tproto=rpc');
    expect(escapeJava('\b\f\r/plain-ASCII_ ~')).to.equal('\\b\\f\\r/plain-ASCII_ ~');
    expect(escapeJava(null)).to.equal('null');
  });

  it('prints the client address as Java does: IPv4-mapped IPv6 as IPv4, IPv6 in eight groups', () => {
    const ip = (address: string) => auditLine({ allowed: true, ugi: 'u (auth:SIMPLE)', ip: address, cmd: 'open', src: '/f' }).split('\t')[2];
    expect(ip('::ffff:127.0.0.1')).to.equal('ip=/127.0.0.1');
    expect(ip('::1')).to.equal('ip=/0:0:0:0:0:0:0:1');
    expect(ip('127.0.0.2')).to.equal('ip=/127.0.0.2');
  });

  it('ugi is UserGroupInformation.toString() of the user Server builds for the call', () => {
    expect(ugiString('alice@EXAMPLE.COM', 'KERBEROS')).to.equal('alice@EXAMPLE.COM (auth:KERBEROS)');
    expect(ugiString('alice@EXAMPLE.COM', 'TOKEN')).to.equal('alice@EXAMPLE.COM (auth:TOKEN)');
    expect(ugiString('alice', 'SIMPLE')).to.equal('alice (auth:SIMPLE)');
    // doAs: createProxyUser(effective, authenticated), the proxy's method PROXY
    expect(ugiString('alice', 'KERBEROS', 'oozie/h.example.com@EXAMPLE.COM')).to.equal('alice (auth:PROXY) via oozie/h.example.com@EXAMPLE.COM (auth:KERBEROS)');
    expect(ugiString('alice', 'SIMPLE', 'oozie')).to.equal('alice (auth:PROXY) via oozie (auth:SIMPLE)');
    // a token issued to a proxy: getUser() is the proxy UGI, and the connection sets TOKEN on it
    expect(ugiString('alice', 'TOKEN', 'oozie@EXAMPLE.COM')).to.equal('alice (auth:TOKEN) via oozie@EXAMPLE.COM (auth:TOKEN)');
  });
});
