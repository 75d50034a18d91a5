// Unit tests for the KDC transport (RFC 4120 section 7.2) with real loopback sockets standing in
// for a KDC where MIT cannot be made to misbehave: TCP length framing with split chunks,
// KRB_ERR_RESPONSE_TOO_BIG over UDP switching to TCP, oversized TCP replies, timeouts with
// failover, KRB_KDC_UNREACHABLE naming every KDC, and the hsec:kerberos:kdc-waiting progress event.
import { expect } from 'chai';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { ConfiguredTransport, sendTcp } from '../../../../security/kerberos/client/transport.ts';
import { parseKrb5Conf } from '../../../../security/kerberos/config/index.ts';
import { encodeKrbError } from '../../../../security/kerberos/messages/index.ts';
import { KerberosError } from '../../../../lib/errors/index.ts';
import type { KdcWaitingEvent } from '../../../../security/kerberos/client/index.ts';

const tooBig = encodeKrbError({ stime: Date.UTC(2026, 0, 1), susec: 0, errorCode: 52, realm: 'R.TEST', sname: { nameType: 2, components: ['krbtgt', 'R.TEST'] } });

function tcpServer(onRequest: (req: Buffer, write: (b: Buffer) => void) => void): Promise<Server> {
  const server = createServer((sock) => {
    let buf = Buffer.alloc(0);
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length >= 4 && buf.length >= 4 + buf.readUInt32BE(0)) onRequest(buf.subarray(4), (b) => sock.write(b));
    });
    sock.on('error', () => undefined);
  });
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r(server)));
}

function udpServer(onRequest: (req: Buffer, reply: (b: Buffer) => void) => void, port = 0): Promise<UdpSocket> {
  const s = createSocket('udp4');
  s.on('message', (msg, rinfo) => onRequest(msg, (b) => s.send(b, rinfo.port, rinfo.address)));
  return new Promise((r) => s.bind(port, '127.0.0.1', () => r(s)));
}

const framed = (b: Buffer) => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(b.length);
  return Buffer.concat([len, b]);
};

describe('kerberos/client: KDC transport', () => {
  const closers: Array<() => void> = [];
  afterEach(() => closers.splice(0).forEach((c) => c()));

  it('reassembles a TCP reply delivered in split chunks', async () => {
    const reply = Buffer.alloc(3000, 0x6b);
    const server = await tcpServer((req, write) => {
      expect(req.toString()).to.equal('hello');
      const all = framed(reply);
      write(all.subarray(0, 2));
      setTimeout(() => write(all.subarray(2, 1000)), 10);
      setTimeout(() => write(all.subarray(1000)), 20);
    });
    closers.push(() => server.close());
    const got = await sendTcp({ host: '127.0.0.1', port: (server.address() as AddressInfo).port }, Buffer.from('hello'), 2000);
    expect(got).to.deep.equal(reply);
  });

  it('retries over TCP on the same KDC after KRB_ERR_RESPONSE_TOO_BIG over UDP', async () => {
    const server = await tcpServer((_req, write) => write(framed(Buffer.from('tcp-answer'))));
    const port = (server.address() as AddressInfo).port;
    let udpHits = 0;
    const udp = await udpServer((_req, reply) => {
      udpHits++;
      reply(tooBig);
    }, port);
    closers.push(() => server.close(), () => udp.close());
    const t = new ConfiguredTransport(parseKrb5Conf(`[realms]\n R.TEST = {\n  kdc = 127.0.0.1:${port}\n }\n`));
    const r = await t.send('R.TEST', Buffer.from('req'));
    expect(r.reply.toString()).to.equal('tcp-answer');
    expect(r.kdc).to.equal(`127.0.0.1:${port}/tcp`);
    expect(udpHits).to.equal(1);
  });

  it('refuses a TCP reply whose length prefix exceeds the limit', async () => {
    const server = await tcpServer((_req, write) => write(Buffer.from([0x7f, 0xff, 0xff, 0xff])));
    closers.push(() => server.close());
    try {
      await sendTcp({ host: '127.0.0.1', port: (server.address() as AddressInfo).port }, Buffer.from('x'), 2000);
      expect.fail('should have thrown');
    } catch (e) {
      expect((e as Error).message).to.match(/exceeds/);
    }
  });

  it('times out a silent KDC, fails over, and names every KDC when none answers', async () => {
    const silent = await udpServer(() => undefined);
    const silentTcp = await tcpServer(() => undefined);
    const udpPort = (silent.address() as AddressInfo).port;
    const tcpPort = (silentTcp.address() as AddressInfo).port;
    closers.push(() => silent.close(), () => silentTcp.close());
    const conf = parseKrb5Conf(`[libdefaults]\n kdc_timeout = 1\n[realms]\n R.TEST = {\n  kdc = udp/127.0.0.1:${udpPort}\n  kdc = tcp/127.0.0.1:${tcpPort}\n }\n`);
    const started = Date.now();
    try {
      await new ConfiguredTransport(conf).send('R.TEST', Buffer.from('req'));
      expect.fail('should have thrown');
    } catch (e) {
      expect(e).to.be.instanceOf(KerberosError);
      expect((e as KerberosError).code).to.equal('KRB_KDC_UNREACHABLE');
      expect((e as Error).message).to.contain(`127.0.0.1:${udpPort}/udp`).and.contain(`127.0.0.1:${tcpPort}/tcp`).and.contain('R.TEST');
      expect((e as Error).message).to.contain('no reply within 1000 ms');
    }
    expect(Date.now() - started).to.be.within(1900, 5000);
  });

  it('publishes hsec:kerberos:kdc-waiting once per attempt silent for a second, before it gives up', async () => {
    const silent = await udpServer(() => undefined);
    const silentTcp = await tcpServer(() => undefined);
    const port = (silent.address() as AddressInfo).port;
    const tcpPort = (silentTcp.address() as AddressInfo).port;
    closers.push(() => silent.close(), () => silentTcp.close());
    const conf = parseKrb5Conf(`[libdefaults]\n kdc_timeout = 2\n[realms]\n R.TEST = {\n  kdc = udp/127.0.0.1:${port}\n  kdc = tcp/localhost:${tcpPort}\n }\n`);
    const events: Array<KdcWaitingEvent & { at: number }> = [];
    const onEvent = (m: unknown) => events.push({ ...(m as KdcWaitingEvent), at: Date.now() });
    subscribe('hsec:kerberos:kdc-waiting', onEvent);
    const started = Date.now();
    let failedAt = 0;
    try {
      await new ConfiguredTransport(conf).send('R.TEST', Buffer.from('req'));
      expect.fail('should have thrown');
    } catch (e) {
      failedAt = Date.now();
      expect((e as KerberosError).code).to.equal('KRB_KDC_UNREACHABLE');
    } finally {
      unsubscribe('hsec:kerberos:kdc-waiting', onEvent);
    }
    expect(events.map((e) => [e.realm, e.kdc, e.address, e.transport, e.timeoutMs])).to.deep.equal([
      ['R.TEST', `127.0.0.1:${port}`, '127.0.0.1', 'udp', 2000],
      ['R.TEST', `localhost:${tcpPort}`, '127.0.0.1', 'tcp', 2000],
    ]);
    expect(events[0]!.waitedMs).to.be.within(950, 1900);
    expect(events[0]!.at - started).to.be.within(950, 1900);
    expect(events[1]!.at).to.be.lessThan(failedAt);
  });

  it('a fast KDC publishes no waiting event', async () => {
    const server = await udpServer((_req, reply) => reply(Buffer.from('answer')));
    closers.push(() => server.close());
    const conf = parseKrb5Conf(`[realms]\n R.TEST = {\n  kdc = 127.0.0.1:${(server.address() as AddressInfo).port}\n }\n`);
    const events: unknown[] = [];
    const onEvent = (m: unknown) => events.push(m);
    subscribe('hsec:kerberos:kdc-waiting', onEvent);
    try {
      expect((await new ConfiguredTransport(conf).send('R.TEST', Buffer.from('req'))).reply.toString()).to.equal('answer');
      await new Promise((r) => setTimeout(r, 1200));
    } finally {
      unsubscribe('hsec:kerberos:kdc-waiting', onEvent);
    }
    expect(events).to.deep.equal([]);
  });
});
