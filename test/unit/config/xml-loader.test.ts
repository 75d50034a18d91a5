/**
 * The configuration XML reader (Hadoop 3 Configuration.Parser semantics, sax line numbers).
 */
import { expect } from 'chai';
import { parseConfigurationXml } from '../../../lib/config/xml-loader.ts';
import { ConfigError } from '../../../lib/errors/index.ts';

function parse(xml: string) {
  return parseConfigurationXml(xml, '/etc/hadoop/core-site.xml');
}

function parseFailure(xml: string): ConfigError {
  try {
    parse(xml);
  } catch (err) {
    expect(err).to.be.instanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('config xml-loader', () => {
  it('reads name, value and final with line numbers; trims names, keeps values as written', () => {
    const props = parse(`<?xml version="1.0"?>
<?xml-stylesheet type="text/xsl" href="configuration.xsl"?>
<!-- comment -->
<configuration>
  <property>
    <name>  hadoop.rpc.protection  </name>
    <value> privacy </value>
    <final>true</final>
    <description>the QOP</description>
  </property>
  <property><name>b</name><value>x</value><final>TRUE</final><source>core-default.xml</source><tag>SECURITY</tag></property>
</configuration>`);
    expect(props).to.deep.equal([
      { name: 'hadoop.rpc.protection', value: ' privacy ', final: true, line: 5 },
      { name: 'b', value: 'x', final: false, line: 11 }, // only the exact text "true" is final
    ]);
  });

  it('decodes entities and CDATA', () => {
    const [p] = parse('<configuration><property><name>f</name><value>(&amp;(a=b)) <![CDATA[<raw>&]]></value></property></configuration>');
    expect(p!.value).to.equal('(&(a=b)) <raw>&');
  });

  it('treats an empty value as not set, but still records final', () => {
    const props = parse('<configuration><property><name>a</name><value></value><final>true</final></property><property><name>b</name><value/></property></configuration>');
    expect(props).to.deep.equal([
      { name: 'a', value: undefined, final: true, line: 1 },
      { name: 'b', value: undefined, final: false, line: 1 },
    ]);
  });

  it('accepts the attribute form <property name value final/>', () => {
    expect(parse('<configuration>\n<property name="a" value="1" final="true"/></configuration>')).to.deep.equal([
      { name: 'a', value: '1', final: true, line: 2 },
    ]);
  });

  it('skips xi:include (with its fallback) and properties without a name', () => {
    const props = parse(`<configuration xmlns:xi="http://www.w3.org/2001/XInclude">
  <xi:include href="other.xml"><xi:fallback><property><name>hidden</name><value>1</value></property></xi:fallback></xi:include>
  <property><value>orphan</value></property>
  <property><name>kept</name><value>2</value></property>
</configuration>`);
    expect(props.map((p) => p.name)).to.deep.equal(['kept']);
  });

  it('malformed XML is CONFIG_PARSE naming the file and line', () => {
    const err = parseFailure('<configuration>\n<property>\n<name>a</name>\n<value>1</vlue>\n</property>\n</configuration>');
    expect(err.code).to.equal('CONFIG_PARSE');
    expect(err.details).to.include({ file: '/etc/hadoop/core-site.xml', line: 4 });
    expect(err.message).to.contain('/etc/hadoop/core-site.xml').and.contain('line 4');
  });

  it('an unterminated file is CONFIG_PARSE', () => {
    expect(parseFailure('<configuration><property><name>a</name>').code).to.equal('CONFIG_PARSE');
  });

  it('an empty file or a wrong root element is CONFIG_PARSE', () => {
    expect(parseFailure('').message).to.contain('no <configuration>');
    expect(parseFailure('<?xml version="1.0"?>\n<properties><entry/></properties>').message).to.contain('<properties>');
  });
});
