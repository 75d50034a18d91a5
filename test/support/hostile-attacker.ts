/**
 * A hostile client, run as its own process (as a real attacker is) so that building and writing
 * hundreds of MiB costs the measured server's event loop nothing (the rpc-hostile bench suite and
 * test/integration/rpc/hostile-clients.test.ts): `tsx test/support/hostile-attacker.ts <port>`
 * builds its frames, prints "ready", waits for a line on stdin, then opens connections to
 * 127.0.0.1:<port>, sends the SASL preamble and one maximal pre-authentication frame on each (a
 * 127 MiB NEGOTIATE of 22 million empty auths, four of 48 MiB, one of 256 KiB, and 200 unfinished
 * 240 KiB frames), prints "attacking" once all are written, then "closed N of 6, R reply bytes to the over-limit frames"
 * once the server has closed the six maximal frames' connections (or after 10 s), and exits.
 */
import { connect, type Socket } from 'node:net';
import { AuthProtocol } from '../../lib/rpc/constants.ts';
import { delimit } from '../../lib/rpc/delimited.ts';
import { encodeRawFrame } from '../../lib/rpc/frame.ts';
import { encodeRequestHeader } from '../../lib/rpc/messages.ts';
import { encodePreamble } from '../../lib/rpc/preamble.ts';

const MiB = 1024 * 1024;

/** NEGOTIATE followed by `count` empty SaslAuth entries (6 bytes each), framed with callId -33. */
export function manyAuthsFrame(count: number): Buffer {
  const header = encodeRequestHeader({ rpcKind: 2, rpcOp: 0, callId: -33, clientId: new Uint8Array(0), retryCount: -1 });
  const body = Buffer.allocUnsafe(2 + 6 * count);
  body[0] = 0x10;
  body[1] = 0x01;
  body.fill(Buffer.from([0x22, 0x04, 0x0a, 0x00, 0x12, 0x00]), 2);
  return Buffer.from(encodeRawFrame(Buffer.concat([delimit(header), delimit(body)])));
}

/** Bytes the server sent back on the connections of over-limit frames (none: checkDataLength just closes). */
let replyBytes = 0;

async function open(port: number, overLimit: boolean): Promise<Socket> {
  const s = connect({ host: '127.0.0.1', port });
  s.on('error', () => undefined);
  s.on('data', (b: Buffer) => (replyBytes += overLimit ? b.length : 0)); // read replies, so the server's FIN or RST is seen
  await new Promise<void>((resolve, reject) => s.once('connect', resolve).once('error', reject));
  return s;
}

async function main(port: number): Promise<void> {
  const frames = [manyAuthsFrame(22_000_000), ...Array.from({ length: 4 }, () => manyAuthsFrame(Math.floor((48 * MiB) / 6))), manyAuthsFrame(Math.floor((256 * 1024 - 40) / 6))];
  const partial = manyAuthsFrame(Math.floor((240 * 1024) / 6)).subarray(0, 240 * 1024); // never completes
  const payloads = [...frames, ...Array.from({ length: 200 }, () => partial)];
  process.stdout.write('ready\n');
  await new Promise((resolve) => process.stdin.once('data', resolve));
  process.stdin.pause();
  // The first five frames are over the pre-authentication limit; the 256 KiB one is within it (and
  // gets a FATAL reply for its 43,000 auths).
  const sockets = await Promise.all(payloads.map((_, i) => open(port, i < 5)));
  // The server ends a refused connection (FIN, or RST once it destroys it): either counts.
  let closed = 0;
  const allClosed = new Promise<void>((resolve) => {
    for (const s of sockets.slice(0, frames.length)) {
      let seen = false;
      const done = (): void => {
        if (seen) return;
        seen = true;
        if (++closed === frames.length) resolve();
      };
      s.once('end', done).once('close', done).once('error', done);
    }
  });
  sockets.forEach((s, i) => {
    s.write(encodePreamble({ authProtocol: AuthProtocol.SASL }));
    s.write(payloads[i]!);
  });
  process.stdout.write('attacking\n');
  await Promise.race([allClosed, new Promise((r) => setTimeout(r, 10_000))]);
  process.stdout.write(`closed ${closed} of ${frames.length}, ${replyBytes} reply bytes to the over-limit frames\n`);
  for (const s of sockets) s.destroy();
}

if (process.argv[1]?.endsWith('hostile-attacker.ts')) await main(Number(process.argv[2]));
