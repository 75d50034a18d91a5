/**
 * Reads a Hadoop configuration XML file (`<configuration><property><name/><value/><final/>...`) with
 * the `sax` streaming parser so errors carry line numbers. Follows Hadoop 3's `Configuration.Parser`:
 * the name is trimmed, the value is kept as written (an empty `<value/>` means "not set"), `final` is
 * true only for the exact text `true`, the attribute form `<property name=".." value=".." final=".."/>`
 * is accepted, `<description>`, `<source>` and `<tag>` are ignored. `xi:include` is not supported: it is
 * skipped with a warning. Malformed XML is ConfigError CONFIG_PARSE naming the file and line.
 */
import sax from 'sax';
import { ConfigError } from '../errors/index.ts';
import { getLogger } from '../log/logger.ts';

export interface XmlProperty {
  readonly name: string;
  /** undefined when the file gives no (or an empty) value: the property is then not set. */
  readonly value: string | undefined;
  readonly final: boolean;
  /** 1-based line of the `<property>` element. */
  readonly line: number;
}

const FIELDS = new Set(['name', 'value', 'final']);
const IGNORED = new Set(['description', 'source', 'tag']);

function parseError(file: string, line: number, what: string): ConfigError {
  return new ConfigError('CONFIG_PARSE', `Cannot parse configuration file ${file} at line ${line}: ${what}`, {
    file,
    line,
  });
}

/** Parses configuration XML text; `file` names it in errors and warnings. */
export function parseConfigurationXml(xml: string, file: string): XmlProperty[] {
  const log = getLogger('config');
  const parser = sax.parser(true, { trim: false, normalize: false, position: true });
  const out: XmlProperty[] = [];
  const stack: string[] = [];
  let current: { name?: string; value?: string; final: boolean; line: number } | undefined;
  let field: string | undefined;
  let text = '';
  let skipDepth = 0; // > 0 while inside an ignored xi:include

  parser.onerror = (err) => {
    throw parseError(file, parser.line + 1, err.message.split('\n')[0]!);
  };
  parser.onopentag = (tag) => {
    const name = tag.name;
    const line = parser.line + 1;
    if (skipDepth > 0) return void skipDepth++;
    if (stack.length === 0 && name !== 'configuration') {
      throw parseError(file, line, `root element is <${name}>, expected <configuration>`);
    }
    stack.push(name);
    if (name === 'include' || name.endsWith(':include')) {
      log.warn({ file, line }, 'xi:include in configuration files is not supported; the include is ignored');
      stack.pop();
      skipDepth = 1;
    } else if (name === 'property') {
      const attr = (k: string) => (typeof tag.attributes[k] === 'string' ? (tag.attributes[k] as string) : undefined);
      current = { name: attr('name')?.trim(), value: attr('value') || undefined, final: attr('final') === 'true', line };
    } else if (current && FIELDS.has(name)) {
      field = name;
      text = '';
    } else if (!(current && IGNORED.has(name)) && name !== 'configuration') {
      log.warn({ file, line, element: name }, 'unexpected element in configuration file; ignored');
    }
  };
  const onText = (t: string) => {
    if (field && skipDepth === 0) text += t;
  };
  parser.ontext = onText;
  parser.oncdata = onText;
  parser.onclosetag = (name) => {
    if (skipDepth > 0) return void skipDepth--;
    stack.pop();
    if (current && name === field) {
      if (field === 'name') current.name = text.trim() || current.name;
      else if (field === 'value') current.value = text.length > 0 ? text : current.value;
      else current.final = text === 'true';
      field = undefined;
    } else if (name === 'property' && current) {
      if (current.name) out.push({ name: current.name, value: current.value, final: current.final, line: current.line });
      else log.warn({ file, line: current.line }, 'property without a <name> in configuration file; ignored');
      current = undefined;
    }
  };
  let sawRoot = false;
  const onOpen = parser.onopentag;
  parser.onopentag = (tag) => {
    sawRoot = true;
    onOpen(tag);
  };
  parser.write(xml).close();
  if (!sawRoot) throw parseError(file, parser.line + 1, 'no <configuration> element (empty file?)');
  if (stack.length > 0) throw parseError(file, parser.line + 1, 'unexpected end of file');
  return out;
}
