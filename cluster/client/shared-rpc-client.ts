/**
 * One RpcClient per configuration in a process, as Hadoop's ClientCache shares one ipc.Client:
 * every client object built from the same Configuration (HdfsClient instances, token renewals,
 * DataNode calls) reuses its pooled, authenticated connections instead of opening and
 * authenticating new ones. Acquired with a reference count; the last release closes the
 * connections.
 */
import type { Configuration } from '../../lib/config/index.ts';
import { rpcClientOptionsFromConfig } from '../../security/sasl/rpc/config.ts';
import { RpcClient, type RpcClientOptions } from '../../security/sasl/rpc/rpc-client.ts';

interface Entry {
  readonly rpc: RpcClient;
  readonly options: RpcClientOptions;
  refs: number;
}

const clients = new WeakMap<Configuration, Entry>();

export interface SharedRpcClient {
  readonly rpc: RpcClient;
  /** The options it was built with (ipc.*, the client-side QOP resolver, token.service.use_ip). */
  readonly options: RpcClientOptions;
  /** Gives the reference back; the last one closes the pooled connections. Idempotent. */
  release(): void;
}

/** The process's RpcClient for `conf` (built from it on first use). */
export function acquireRpcClient(conf: Configuration): SharedRpcClient {
  let entry = clients.get(conf);
  if (!entry) {
    const options = rpcClientOptionsFromConfig(conf);
    entry = { rpc: new RpcClient(options), options, refs: 0 };
    clients.set(conf, entry);
  }
  entry.refs++;
  const held = entry;
  let released = false;
  return {
    rpc: held.rpc,
    options: held.options,
    release() {
      if (released) return;
      released = true;
      if (--held.refs > 0) return;
      held.rpc.stop();
      if (clients.get(conf) === held) clients.delete(conf);
    },
  };
}
