/**
 * Evasion checklist H (items 100-102): what managed WAF rule sets miss or
 * get wrong, turned into checks on our engine: the binary and base64 forms
 * AWS does not claim, the prose that makes teams switch rules to Count, and
 * the CRS 944210/944300 base64 alignment flaw.
 */
import { describe, expect, it } from 'vitest';
import { payload } from '../carriers/payloads.js';
import { attackFamilies, b64, enc, JSON_CT, rules } from './harness.js';

const cc6 = payload('java-cc6').bytes;

describe('H. managed WAF rule sets', () => {
  it('E100: beyond the documented text pattern, binary and base64 Java, pickle, .NET and XXE are all detected', () => {
    expect(rules('{"expr":"T(java.lang.Runtime).getRuntime().exec(\\"whoami\\")"}', { contentType: JSON_CT })).toContain('DW-JAVA-014');
    expect(attackFamilies(cc6, { contentType: 'application/octet-stream' })).toContain('java');
    expect(attackFamilies(b64(cc6), { contentType: 'text/plain' })).toContain('java');
    expect(attackFamilies(payload('pickle-p4-reduce').bytes)).toContain('pickle');
    expect(attackFamilies(payload('dotnet-nrbf-tcd').bytes)).toContain('dotnet');
    expect(attackFamilies(payload('xxe-system-entity').bytes, { contentType: 'application/xml' })).toContain('xml');
  });

  it('E101: LLM and security-text bodies that mention the classes and markers stay clean (no reason to switch rules to Count)', () => {
    const prose = [
      'How does (java.lang.Runtime).getRuntime().exec work, and why does ysoserial CommonsCollections1 use InvokerTransformer?',
      // (A literal ${jndi:...} stays a finding even in prose: a vulnerable logger runs it wherever it is.)
      'Explain JNDI lookups in Log4j 2.14 (CVE-2021-44228) and how to disable message lookups.',
      'A Java stream starts with AC ED 00 05, which base64-encodes as rO0AB; pickle protocol 4 starts with 80 04 95 (gASV).',
      "Json.NET's TypeNameHandling.All lets \"$type\" pick System.Windows.Data.ObjectDataProvider; fastjson's @type did the same with JdbcRowSetImpl.",
      'Never call yaml.load on input with !!python/object/apply tags; PHP unserialize of O:8:"stdClass" is also risky.',
    ];
    for (const p of prose) {
      expect(rules(JSON.stringify({ model: 'gpt', messages: [{ role: 'user', content: p }] }), { contentType: JSON_CT }), p).toEqual([]);
      expect(rules(p, { contentType: 'text/plain' }), p).toEqual([]);
    }
  });

  it('E102: real base64 Java streams at all three alignments are found, the CRS 944210 literals alone are not an alarm', () => {
    for (const prefix of ['', 'A', 'AB']) {
      const text = b64(Buffer.concat([enc(prefix), cc6]));
      expect(rules(text, { contentType: 'text/plain' }), prefix).toContain('DW-JAVA-002');
    }
    // The strings CRS 944210 matches never occur in real streams; as words they are not payloads.
    expect(rules('rule 944210 matches rO0ABQ, KztAAU and Cs7QAF', { contentType: 'text/plain' })).toEqual([]);
  });
});
