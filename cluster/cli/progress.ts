/**
 * A progress line for long transfers on a terminal: a pass-through stream that counts bytes and,
 * when stderr is a TTY and the transfer has run for a second, redraws one line there every 200 ms
 * (`put big.iso [========>            ] 412.0 MiB / 1.0 GiB  40%  98.1 MiB/s`; without a known size, just
 * the bytes and the rate), ending with a newline. Piped or redirected, it prints nothing.
 */
import { Transform } from 'node:stream';

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

export function formatBytes(n: number): string {
  let v = n;
  let u = 0;
  while (v >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${n} B` : `${v.toFixed(1)} ${UNITS[u]}`;
}

/** `========>           `: `width` characters for a fraction 0..1. */
export function progressBar(fraction: number, width: number): string {
  const full = Math.max(0, Math.min(width, Math.floor(fraction * width)));
  return full >= width ? '='.repeat(width) : `${'='.repeat(full)}>${' '.repeat(width - full - 1)}`;
}

/** The pass-through meter; `total` (bytes) gives a percentage when known. */
export function progressMeter(label: string, total: number | undefined, tty: NodeJS.WriteStream = process.stderr): Transform {
  const started = Date.now();
  let done = 0;
  let shown = false;
  let last = 0;
  const draw = (final: boolean) => {
    const secs = (Date.now() - started) / 1000;
    const rate = secs > 0 ? `${formatBytes(done / secs)}/s` : '';
    const bar = total ? ` [${progressBar(done / total, 20)}]` : '';
    const of = total ? ` / ${formatBytes(total)}  ${Math.floor((done / total) * 100)}%` : '';
    tty.write(`\r\x1b[K${label}${bar} ${formatBytes(done)}${of}  ${rate}${final ? '\n' : ''}`);
  };
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      done += chunk.length;
      const now = Date.now();
      if (tty.isTTY && now - started >= 1000 && now - last >= 200) {
        last = now;
        shown = true;
        draw(false);
      }
      cb(null, chunk);
    },
    flush(cb) {
      if (shown) draw(true);
      cb();
    },
  });
}
