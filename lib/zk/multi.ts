/**
 * ZooKeeper transactions (ZooKeeper.multi): MultiOperationRecord and MultiResponse as the Java
 * client serializes them. Each operation is MultiHeader {type, done=false, err=-1} + its request
 * record; the list ends with MultiHeader {-1, true, -1}. The response repeats the pattern with
 * one result per operation: CreateResponse, SetDataResponse, nothing for delete and check, or
 * ErrorResponse {err} (type -1) for an operation that failed or was rolled back. Pure codecs.
 */
import { DataInput, DataOutput } from '../codec/index.ts';
import { OpCode } from './constants.ts';
import { readStat, type Acl, type Stat } from './jute.ts';
import { createRequest, pathVersionRequest, readCreateResponse, setDataRequest } from './records.ts';
import { ProtocolError } from '../errors/index.ts';

/** One operation of a transaction; paths are server paths (chroot applied). */
export type MultiOp =
  | { readonly type: 'create'; readonly path: string; readonly data: Uint8Array; readonly acl: readonly Acl[]; readonly flags: number }
  | { readonly type: 'setData'; readonly path: string; readonly data: Uint8Array; readonly version: number }
  | { readonly type: 'delete'; readonly path: string; readonly version: number }
  | { readonly type: 'check'; readonly path: string; readonly version: number };

export type MultiResult =
  | { readonly type: 'create'; readonly path: string }
  | { readonly type: 'setData'; readonly stat: Stat }
  | { readonly type: 'delete' }
  | { readonly type: 'check' }
  | { readonly type: 'error'; readonly err: number };

function writeHeader(out: DataOutput, type: number, done: boolean, err: number): void {
  out.writeInt(type).writeBoolean(done).writeInt(err);
}

/** MultiOperationRecord. */
export const multiRequest = (ops: readonly MultiOp[]) => (out: DataOutput): void => {
  for (const op of ops) {
    switch (op.type) {
      case 'create':
        writeHeader(out, OpCode.create, false, -1);
        createRequest(op.path, op.data, op.acl, op.flags)(out);
        break;
      case 'setData':
        writeHeader(out, OpCode.setData, false, -1);
        setDataRequest(op.path, op.data, op.version)(out);
        break;
      case 'delete':
        writeHeader(out, OpCode.delete, false, -1);
        pathVersionRequest(op.path, op.version)(out);
        break;
      case 'check':
        writeHeader(out, OpCode.check, false, -1);
        pathVersionRequest(op.path, op.version)(out);
        break;
    }
  }
  writeHeader(out, -1, true, -1);
};

/** MultiResponse; an unknown result type is a ProtocolError (MultiResponse.deserialize: "Invalid type"). */
export function readMultiResponse(input: DataInput): MultiResult[] {
  const results: MultiResult[] = [];
  for (;;) {
    const type = input.readInt();
    const done = input.readBoolean();
    input.readInt(); // the header's err; the ErrorResponse below carries it again
    if (done) return results;
    switch (type) {
      case OpCode.create:
        results.push({ type: 'create', path: readCreateResponse(input) });
        break;
      case OpCode.setData:
        results.push({ type: 'setData', stat: readStat(input) });
        break;
      case OpCode.delete:
        results.push({ type: 'delete' });
        break;
      case OpCode.check:
        results.push({ type: 'check' });
        break;
      case OpCode.error:
        results.push({ type: 'error', err: input.readInt() });
        break;
      default:
        throw new ProtocolError('PROTOCOL_MALFORMED', `Malformed ZooKeeper MultiResponse: invalid result type ${type}`, { what: 'MultiResponse', type });
    }
  }
}
