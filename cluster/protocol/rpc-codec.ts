/**
 * A protocol's method table as types plus the service in its .proto file: `RpcCodec<Messages>`
 * encodes and decodes the request and response of each method, both directions (a server decodes
 * requests and encodes responses, a client the reverse). The message type of each method comes from
 * the .proto `service` block (as Hadoop's generated BlockingInterface does), the plain-object shape
 * from `Messages`. Pure: no sockets.
 */
import { decodeProto, encodeProto, rpcTypes } from './hdfs-proto.ts';

/** The plain-object request and response of one method. */
export interface MethodMessages {
  request: object;
  response: object;
}

export class RpcCodec<Messages extends { [M in keyof Messages]: MethodMessages }> {
  /** Fully-qualified proto service, e.g. `hadoop.hdfs.ClientNamenodeProtocol`. */
  readonly service: string;

  constructor(service: string) {
    this.service = service;
  }

  encodeRequest<M extends keyof Messages & string>(method: M, request: Messages[M]['request']): Uint8Array {
    return encodeProto(rpcTypes(this.service, method).request, request);
  }

  decodeRequest<M extends keyof Messages & string>(method: M, bytes: Uint8Array): Messages[M]['request'] {
    return decodeProto(rpcTypes(this.service, method).request, bytes);
  }

  encodeResponse<M extends keyof Messages & string>(method: M, response: Messages[M]['response']): Uint8Array {
    return encodeProto(rpcTypes(this.service, method).response, response);
  }

  decodeResponse<M extends keyof Messages & string>(method: M, bytes: Uint8Array): Messages[M]['response'] {
    return decodeProto(rpcTypes(this.service, method).response, bytes);
  }
}
