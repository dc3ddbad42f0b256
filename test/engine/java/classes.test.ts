/** The Java class judge: gadget list, fastjson wrapper normalisation, FQCN shape. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildIndex, isJavaClassName, javaGadgetClass, normalizeJavaClassName } from '../../../src/engine/detectors/java/classes.js';

describe('javaGadgetClass', () => {
  it('knows the ysoserial chain classes', () => {
    for (const name of [
      'org.apache.commons.collections.functors.InvokerTransformer',
      'org.apache.commons.collections4.functors.InstantiateTransformer',
      'org.apache.commons.collections.keyvalue.TiedMapEntry',
      'org.apache.commons.beanutils.BeanComparator',
      'com.sun.org.apache.xalan.internal.xsltc.trax.TemplatesImpl',
      'com.sun.org.apache.xalan.internal.xsltc.trax.TrAXFilter',
      'sun.reflect.annotation.AnnotationInvocationHandler',
      'org.codehaus.groovy.runtime.MethodClosure',
      'com.mchange.v2.c3p0.impl.PoolBackedDataSourceBase',
      'com.mchange.v2.naming.ReferenceIndirector$ReferenceSerialized',
      'com.sun.syndication.feed.impl.ObjectBean',
      'org.springframework.core.SerializableTypeWrapper$MethodInvokeTypeProvider',
      'java.rmi.server.RemoteObjectInvocationHandler',
      'sun.rmi.server.UnicastRef',
      'bsh.XThis',
      'org.mozilla.javascript.NativeError',
      'org.python.core.PyFunction',
      'java.net.URL',
      'javax.management.BadAttributeValueExpException',
    ]) {
      expect(javaGadgetClass(name), name).not.toBeNull();
    }
  });

  it('knows JNDI, data-source, script and process classes from the JSON/YAML deny lists', () => {
    for (const name of [
      'com.sun.rowset.JdbcRowSetImpl',
      'org.apache.tomcat.dbcp.dbcp2.BasicDataSource',
      'com.zaxxer.hikari.HikariConfig',
      'org.apache.shiro.jndi.JndiObjectFactory',
      'org.apache.ibatis.datasource.jndi.JndiDataSourceFactory',
      'com.nqadmin.rowset.JdbcRowSetImpl',
      'org.arrah.framework.rdbms.UpdatableJdbcRowsetImpl',
      'org.springframework.jdbc.datasource.DriverManagerDataSource',
      'javax.script.ScriptEngineManager',
      'java.net.URLClassLoader',
      'org.springframework.context.support.ClassPathXmlApplicationContext',
      'java.lang.ProcessBuilder',
      'java.lang.Runtime',
      'javax.naming.InitialContext',
      'jdk.nashorn.internal.objects.NativeString',
      'java.beans.EventHandler',
    ]) {
      expect(javaGadgetClass(name), name).not.toBeNull();
    }
  });

  it('undoes fastjson wrappers, slashes, whitespace and inner classes', () => {
    expect(normalizeJavaClassName('Lcom.sun.rowset.JdbcRowSetImpl;')).toBe('com.sun.rowset.JdbcRowSetImpl');
    expect(normalizeJavaClassName('LLcom.sun.rowset.JdbcRowSetImpl;;')).toBe('com.sun.rowset.JdbcRowSetImpl');
    expect(normalizeJavaClassName('[com.sun.rowset.JdbcRowSetImpl')).toBe('com.sun.rowset.JdbcRowSetImpl');
    expect(normalizeJavaClassName('[Lcom.sun.rowset.JdbcRowSetImpl;')).toBe('com.sun.rowset.JdbcRowSetImpl');
    expect(normalizeJavaClassName('Ljava/lang/Runtime;')).toBe('java.lang.Runtime');
    expect(normalizeJavaClassName(' java.lang.Runtime\n')).toBe('java.lang.Runtime');
    for (const w of ['Lcom.sun.rowset.JdbcRowSetImpl;', 'LLcom.sun.rowset.JdbcRowSetImpl;;', '[com.sun.rowset.JdbcRowSetImpl', '[Lcom.sun.rowset.JdbcRowSetImpl;']) {
      expect(javaGadgetClass(w)?.group, w).toBe('jndi');
    }
    expect(javaGadgetClass('java.lang.ProcessBuilder$Redirect')?.group).toBe('process');
    expect(javaGadgetClass('bsh.XThis$Handler')).not.toBeNull();
  });

  it('matches prefix families on package boundaries and suffixes only on qualified names', () => {
    expect(javaGadgetClass('org.apache.commons.collections.functors.AnyNewFunctor')).not.toBeNull();
    expect(javaGadgetClass('org.apache.commons.collections.functorsx.A')).toBeNull();
    expect(javaGadgetClass('bshx.Thing')).toBeNull();
    expect(javaGadgetClass('myDataSource')).toBeNull();
    expect(javaGadgetClass('com.acme.ReportDataSource')?.group).toBe('jndi');
  });

  it('leaves ordinary classes alone', () => {
    for (const name of ['java.util.HashMap', 'java.util.ArrayList', 'java.lang.String', 'java.lang.Integer', 'java.util.Date', 'java.util.PriorityQueue', 'com.example.rpc.dto.OrderDTO', 'java.lang.RuntimeException', 'org.apache.commons.collections.map.ListOrderedMap', '[B', 'B', '']) {
      expect(javaGadgetClass(name), name).toBeNull();
    }
  });

  it('skips fastjson-only entries inside binary streams', () => {
    expect(javaGadgetClass('java.lang.Class')?.group).toBe('fastjson-bypass');
    expect(javaGadgetClass('[Ljava.lang.Class;', { context: 'stream' })).toBeNull();
  });

  it('rejects a malformed list file', () => {
    expect(() => buildIndex('groups: 3')).toThrow();
    expect(() => buildIndex('groups: [{id: x}]')).toThrow();
    expect(() => buildIndex('groups: [{id: x, reason: y, exact: [1]}]')).toThrow();
    const ix = buildIndex('groups: [{id: x, reason: y, prefix: [ab]}]');
    expect(ix.rawPrefixes).toHaveLength(1);
  });

  it('loads the shipped list and every prefix entry is a package prefix', () => {
    const text = readFileSync(new URL('../../../signatures/lists/java-gadgets.yaml', import.meta.url), 'utf8');
    const ix = buildIndex(text);
    expect(ix.exact.size).toBeGreaterThan(150);
    expect(ix.rawPrefixes).toHaveLength(0);
  });
});

describe('isJavaClassName', () => {
  it('accepts qualified names and wrapper forms', () => {
    for (const s of ['java.lang.Runtime', 'a.b', 'com.x.Outer$Inner', 'Lcom.x.Y;', '[Lcom.x.Y;', 'LLcom.x.Y;;', 'org.ünïcode.Klasse', 'java/lang/Runtime']) {
      expect(isJavaClassName(s), s).toBe(true);
    }
  });
  it('rejects prose, single words and broken names', () => {
    for (const s of ['Runtime', 'hello world', 'a..b', '.a.b', 'a.b.', '1a.b', 'a.b-c', 'video player', '', 'x'.repeat(600) + '.y']) {
      expect(isJavaClassName(s), s).toBe(false);
    }
  });
  it('never throws and stays bounded on random strings', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 2000 }), (s) => {
        isJavaClassName(s);
        const v = javaGadgetClass(s);
        if (v !== null) expect(v.name.length).toBeLessThanOrEqual(1024);
      }),
    );
  });
});
