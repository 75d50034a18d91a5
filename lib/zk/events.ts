/**
 * ZooKeeper client diagnostics (docs/architecture.md): `hsec:zk:state` on every session state
 * change (connecting, connected, expired, auth-failed, closed) with the server and the session id
 * in hex; never a password or an auth's secret.
 */
import { channel } from 'node:diagnostics_channel';

export const zkStateChannel = channel('hsec:zk:state');

export interface ZkStateChannelEvent {
  readonly connectString: string;
  readonly state: string;
  readonly server?: string | undefined;
  readonly sessionId?: string | undefined;
  readonly code?: string | undefined;
}

export function publishZkState(e: ZkStateChannelEvent): void {
  if (zkStateChannel.hasSubscribers) zkStateChannel.publish(e);
}
