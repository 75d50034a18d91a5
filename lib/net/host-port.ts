/**
 * `host:port` text as Hadoop's NetUtils.createSocketAddr reads it: a name, an IPv4 literal or a
 * bracketed IPv6 literal, then a port 0-65535. The one parser for configured addresses and token
 * services; a bad value is a ConfigError naming what it came from.
 */
import { ConfigError } from '../errors/index.ts';

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/** Parses `host:port` (`[v6]:port` for IPv6); `source` names the key or field for the error. */
export function parseHostPort(value: string, source: string): HostPort {
  const m = /^\[?([^\]]*?)\]?:(\d+)$/.exec(value.trim());
  const port = m ? Number(m[2]) : NaN;
  if (!m || !m[1] || port < 0 || port > 65535) {
    throw new ConfigError('CONFIG_INVALID', `${source} must be host:port, got "${value}"`, { configKey: source, value });
  }
  return { host: m[1], port };
}

/** `host:port`, with brackets around an IPv6 literal. */
export function formatHostPort(address: HostPort): string {
  const host = address.host.includes(':') && !address.host.startsWith('[') ? `[${address.host}]` : address.host;
  return `${host}:${address.port}`;
}
