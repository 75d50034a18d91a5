/**
 * Loads the .proto files kept next to this module (copies of Hadoop's field numbers, written by us
 * from Hadoop's .proto definitions) through protobufjs, once per process. Each .proto file names
 * its Hadoop source in its header comment.
 */
import protobuf from 'protobufjs';
import { fileURLToPath } from 'node:url';
import { dirname, isAbsolute, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const cache = new Map<string, protobuf.Root>();

/** Loads one or more .proto files (names relative to lib/proto/, or absolute paths) into one Root. */
export function loadProto(...files: string[]): protobuf.Root {
  const key = files.join('|');
  let root = cache.get(key);
  if (!root) {
    root = new protobuf.Root();
    root.loadSync(files.map((f) => (isAbsolute(f) ? f : join(here, f))), { keepCase: true });
    root.resolveAll();
    cache.set(key, root);
  }
  return root;
}
