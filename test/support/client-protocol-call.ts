/**
 * ClientProtocol calls for integration tests that check the NameNode's answers and refusals over
 * the wire: one call as a stock client makes it (Kerberos RPC as the client's user, the request
 * encoded and the answer decoded by the ClientProtocol codec), and the remote failure of a call.
 */
import { expect } from 'chai';
import type { HdfsClient } from '../../cluster/client/hdfs-client.ts';
import { acquireRpcClient } from '../../cluster/client/shared-rpc-client.ts';
import {
  CLIENT_PROTOCOL, CLIENT_PROTOCOL_CODEC, CLIENT_PROTOCOL_INFO, CLIENT_PROTOCOL_VERSION, type ClientProtocolMessages, type ClientProtocolMethodName,
} from '../../cluster/protocol/client-protocol.ts';
import { callCredentials } from '../../security/sasl/rpc/protocol-security.ts';

/** One ClientProtocol call over Kerberos RPC as `client`'s user, encoded and decoded as a stock client does. */
export async function clientProtocolCall<M extends ClientProtocolMethodName>(client: HdfsClient, method: M, request: ClientProtocolMessages[M]['request']): Promise<ClientProtocolMessages[M]['response']> {
  const shared = acquireRpcClient(client.conf);
  try {
    const bytes = await shared.rpc.call(client.nameNode, CLIENT_PROTOCOL, method, CLIENT_PROTOCOL_CODEC.encodeRequest(method, request), {
      ...callCredentials(client.user, CLIENT_PROTOCOL_INFO, client.conf), declaringProtocol: CLIENT_PROTOCOL, protocolVersion: CLIENT_PROTOCOL_VERSION,
    });
    return CLIENT_PROTOCOL_CODEC.decodeResponse(method, bytes);
  } finally {
    shared.release();
  }
}

/** The remote failure of `p`: its Java class and message as the NameNode sent them. */
export async function remoteFailure(p: Promise<unknown>): Promise<{ cls: unknown; msg: unknown }> {
  const e = await p.then(() => undefined, (x: { details?: Record<string, unknown> }) => x);
  expect(e, 'expected the NameNode to refuse').to.not.equal(undefined);
  return { cls: e!.details?.['exceptionClassName'], msg: e!.details?.['errorMsg'] };
}
