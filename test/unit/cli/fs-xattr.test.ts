// hsec fs -getfattr / -setfattr option parsing (XAttrCommands.processOptions and its messages),
// XAttrCodec's value forms, XAttrHelper's name parsing, and the HashMap order -getfattr -d prints
// (vectors from a JDK run).
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { javaHashMapOrder, parseXAttrCommand } from '../../../cluster/cli/fs-xattr.ts';
import { ShellArgumentError } from '../../../cluster/cli/fs-acl.ts';
import { decodeXAttrValue, encodeXAttrValue } from '../../../cluster/protocol/xattr-codec.ts';
import { parseXAttrName, prefixedName } from '../../../cluster/protocol/xattr.ts';
import { expectCode } from '../../support/expect-code.ts';

const hashVectors = JSON.parse(readFileSync(new URL('../../vectors/java-hashmap-order.json', import.meta.url), 'utf8')) as {
  vectors: { inserted: string[]; iterated: string[] }[];
};
const bytes = (s: string) => new TextEncoder().encode(s);

describe('cli/fs -getfattr / -setfattr (XAttrCommands, XAttrCodec, XAttrHelper)', () => {
  it('-getfattr options anywhere before --, in processOptions order; the encoding case-insensitive', () => {
    expect(parseXAttrCommand('-getfattr', ['-d', '/p'])).to.deep.equal({ verb: '-getfattr', recursive: false, dump: true, encoding: 'TEXT', path: '/p' });
    expect(parseXAttrCommand('-getfattr', ['/p', '-n', 'user.a', '-e', 'Hex', '-R'])).to.deep.equal({ verb: '-getfattr', recursive: true, dump: false, encoding: 'HEX', path: '/p', name: 'user.a' });
    const fails = (args: string[], message: string) => expect(() => parseXAttrCommand('-getfattr', args)).to.throw(ShellArgumentError, message);
    fails(['/p'], "Must specify '-n name' or '-d' option.");
    fails(['-d'], '<path> is missing.');
    fails(['-d', '/p', '/q'], 'Too many arguments.');
    fails(['-d', '-e', 'utf8', '/p'], 'Invalid/unsupported encoding option specified: utf8');
    fails(['/p', '-n'], 'option -n requires 1 argument.');
    // after -- nothing is an option: -d stays an argument
    fails(['-n', 'user.a', '--', '-d'], 'Too many arguments.');
  });

  it('-setfattr: -n with an optional -v, or -x; not both, not neither', () => {
    expect(parseXAttrCommand('-setfattr', ['-n', 'user.a', '-v', '0x0aff', '/p'])).to.deep.equal({ verb: '-setfattr', path: '/p', name: 'user.a', value: new Uint8Array([0x0a, 0xff]) });
    expect(parseXAttrCommand('-setfattr', ['-n', 'user.a', '/p'])).to.deep.equal({ verb: '-setfattr', path: '/p', name: 'user.a' });
    expect(parseXAttrCommand('-setfattr', ['-x', 'user.a', '/p'])).to.deep.equal({ verb: '-setfattr', path: '/p', removeName: 'user.a' });
    expect(() => parseXAttrCommand('-setfattr', ['-n', 'a', '-x', 'b', '/p'])).to.throw(ShellArgumentError, "Can not specify both '-n name' and '-x name' option.");
    expect(() => parseXAttrCommand('-setfattr', ['-v', '1', '/p'])).to.throw(ShellArgumentError, "Must specify '-n name' or '-x name' option.");
    // a bad hex value is XAttrCodec's IOException, not a usage error
    const e = expectCode(() => parseXAttrCommand('-setfattr', ['-n', 'user.a', '-v', '0xabc', '/p']), 'FS_INVALID_ARGUMENT');
    expect(e.message).to.equal('org.apache.commons.codec.DecoderException: Odd number of characters.');
  });

  it('XAttrCodec.decodeValue: "text", 0x/0X hex, 0s/0S base64, else the text itself', () => {
    expect(decodeXAttrValue('"a b"')).to.deep.equal(bytes('a b'));
    expect(decodeXAttrValue('""')).to.deep.equal(new Uint8Array(0));
    expect(decodeXAttrValue('"')).to.deep.equal(bytes('"'));
    expect(decodeXAttrValue('0X4142')).to.deep.equal(bytes('AB'));
    expect(decodeXAttrValue('0sQUJD')).to.deep.equal(bytes('ABC'));
    expect(decodeXAttrValue('plain')).to.deep.equal(bytes('plain'));
    expect(decodeXAttrValue('0x')).to.deep.equal(new Uint8Array(0));
    expect(() => decodeXAttrValue('0x4g')).to.throw('org.apache.commons.codec.DecoderException: Illegal hexadecimal character g at index 1');
  });

  it('XAttrCodec.encodeValue: text in quotes, lower-case hex after 0x, padded base64 after 0s', () => {
    const v = new Uint8Array([0x68, 0x69, 0xff]);
    expect(encodeXAttrValue(bytes('v\u00e4l'), 'TEXT')).to.equal('"v\u00e4l"');
    expect(encodeXAttrValue(v, 'HEX')).to.equal('0x6869ff');
    expect(encodeXAttrValue(v, 'BASE64')).to.equal('0saGn/');
    expect(encodeXAttrValue(bytes('ab'), 'BASE64')).to.equal('0sYWI=');
  });

  it('XAttrHelper.buildXAttr: the prefix in any case, Hadoop\'s messages for a missing or unknown one', () => {
    expect(parseXAttrName('USER.Name')).to.deep.equal({ namespace: 'USER', name: 'Name' });
    expect(prefixedName(parseXAttrName('Trusted.a.b'))).to.equal('trusted.a.b');
    const prefixMessage = "An XAttr name must be prefixed with user/trusted/security/system/raw, followed by a '.'";
    for (const bad of ['noprefix', 'us.a', '.a', 'other.a']) expect(() => parseXAttrName(bad)).to.throw(prefixMessage);
    expect(() => parseXAttrName('user.')).to.throw('XAttr name cannot be empty.');
  });

  it('-getfattr -d prints in java.util.HashMap order (vectors from a JDK run)', () => {
    for (const v of hashVectors.vectors) expect(javaHashMapOrder(v.inserted)).to.deep.equal(v.iterated);
  });
});
