/**
 * One fuzz target over every RPC method message a NameNode decodes from its callers or a client
 * decodes from a NameNode, and a DataNode from another one: the request and the response of each
 * method of ClientNamenodeProtocol, DatanodeProtocol, the two refresh protocols
 * (RefreshAuthorizationPolicyProtocol, RefreshUserMappingsProtocol), InterDatanodeProtocol and ClientDatanodeProtocol, through the RpcCodec the services and clients use. The first
 * input byte picks the (protocol, method, direction), the rest is the message. Every method goes
 * through the same generic codec (cluster/protocol/rpc-codec.ts, hdfs-proto.ts), so one target
 * covers them all; the seeds are each message with every field set (built from the .proto, so a
 * method added later has a seed without a change here).
 */
import protobuf from 'protobufjs';
import { hdfsRoot } from '../../cluster/protocol/hdfs-proto.ts';
import type { RpcCodec } from '../../cluster/protocol/rpc-codec.ts';
import { CLIENT_DATANODE_PROTOCOL_CODEC } from '../../cluster/protocol/client-datanode-protocol.ts';
import { CLIENT_PROTOCOL_CODEC } from '../../cluster/protocol/client-protocol.ts';
import { DATANODE_PROTOCOL_CODEC } from '../../cluster/protocol/datanode-protocol.ts';
import { INTER_DATANODE_PROTOCOL_CODEC } from '../../cluster/protocol/inter-datanode-protocol.ts';
import { REFRESH_AUTHORIZATION_POLICY_CODEC, REFRESH_USER_MAPPINGS_CODEC } from '../../cluster/protocol/refresh-protocols.ts';

// The codecs' method names are typed per protocol; here every method of the .proto service is fed.
type AnyCodec = RpcCodec<Record<string, { request: object; response: object }>>;
const CODECS = [CLIENT_PROTOCOL_CODEC, DATANODE_PROTOCOL_CODEC, REFRESH_AUTHORIZATION_POLICY_CODEC, REFRESH_USER_MAPPINGS_CODEC, INTER_DATANODE_PROTOCOL_CODEC, CLIENT_DATANODE_PROTOCOL_CODEC] as unknown as AnyCodec[];

interface MethodMessage {
  readonly codec: AnyCodec;
  readonly method: string;
  readonly direction: 'request' | 'response';
  readonly type: protobuf.Type;
}

let entries: MethodMessage[] | undefined;
/** Every (codec, method, direction), in .proto order (at most 65536: the selector is two bytes). */
function methodMessages(): MethodMessage[] {
  if (!entries) {
    entries = CODECS.flatMap((codec) => Object.values(hdfsRoot().lookupService(codec.service).methods).flatMap((m) => {
      m.resolve();
      return [
        { codec, method: m.name, direction: 'request' as const, type: m.resolvedRequestType! },
        { codec, method: m.name, direction: 'response' as const, type: m.resolvedResponseType! },
      ];
    }));
    if (entries.length > 65536) throw new Error(`${entries.length} method messages: the two-byte selector reaches 65536`);
  }
  return entries;
}

/** A plain object of `type` with every field set to a small valid value (nested messages to depth 4, required ones always). */
function sampleMessage(type: protobuf.Type, depth = 0): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of type.fieldsArray) {
    field.resolve();
    let value: unknown;
    if (field.resolvedType instanceof protobuf.Type) {
      if ((depth >= 4 && !field.required) || depth >= 12) continue;
      value = sampleMessage(field.resolvedType, depth + 1);
    } else if (field.resolvedType instanceof protobuf.Enum) {
      value = Object.keys(field.resolvedType.values)[0];
    } else if (field.type === 'string') value = `${field.name}-1`;
    else if (field.type === 'bytes') value = Uint8Array.of(1, 2, 3);
    else if (field.type === 'bool') value = true;
    else if (field.type === 'double' || field.type === 'float') value = 1.5;
    else value = 7;
    out[field.name] = field.repeated ? [value, value] : value;
  }
  return out;
}

export function rpcMethodSeeds(): Uint8Array[] {
  return methodMessages().map((e, i) => {
    const body = e.type.encode(e.type.fromObject(sampleMessage(e.type))).finish();
    return Uint8Array.of(i >> 8, i & 0xff, ...body);
  });
}

/** Decodes the message the first two bytes pick (big-endian), as the server (requests) or the client (responses) does. */
export function decodeMethodMessage(b: Uint8Array): unknown {
  const all = methodMessages();
  const e = all[(((b[0] ?? 0) << 8) | (b[1] ?? 0)) % all.length]!;
  const body = b.subarray(2);
  return e.direction === 'request' ? e.codec.decodeRequest(e.method, body) : e.codec.decodeResponse(e.method, body);
}
