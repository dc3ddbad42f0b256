/** The XML text walk (src/engine/views/xml-text.ts): element depth and the text a parser joins across comments, PIs and CDATA. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { walkXml, type XmlWalkResult } from '../../../src/engine/views/xml-text.js';

interface Walked extends XmlWalkResult {
  readonly runs: { path: string; text: string; offset: number }[];
}

function walk(xml: string, maxDepth = 64, stopAtLimit = true, minText = 1): Walked {
  const runs: Walked['runs'] = [];
  const r = walkXml(Buffer.from(xml, 'utf8'), { maxDepth, stopAtLimit, minText }, (run) => {
    const text = Buffer.alloc(run.length);
    expect(run.copyTo(text, 0)).toBe(run.length);
    runs.push({ path: run.path(), text: text.toString('utf8'), offset: run.offset });
  });
  return { ...r, runs };
}

const nested = (n: number, inner = '') => '<a>'.repeat(n) + inner + '</a>'.repeat(n);

describe('depth', () => {
  it('64 nested elements are within the default limit, 65 are not (offset of the 65th start tag)', () => {
    expect(walk(nested(64))).toMatchObject({ tooDeepAt: -1, balanced: true, elements: 64 });
    expect(walk(nested(65)).tooDeepAt).toBe(64 * 3);
  });

  it('self-closing tags, comments, PIs, CDATA and the DOCTYPE do not nest', () => {
    const inner = '<b/><b x="1" />'.repeat(100) + '<!-- <c> -->'.repeat(100) + '<?pi <c>?>'.repeat(100) + '<![CDATA[<c><c>]]>'.repeat(100);
    const doc = `<?xml version="1.0"?><!DOCTYPE a [<!ENTITY e "<c>"><!-- ]> <c> --><?p ]>?><!ATTLIST a x CDATA "]>">]>${nested(64, inner)}`;
    expect(walk(doc)).toMatchObject({ tooDeepAt: -1, balanced: true });
    expect(walk(doc, 63).tooDeepAt).toBeGreaterThan(0);
  });

  it('a quoted attribute value holding `>` or `/>` does not end the tag', () => {
    expect(walk(`<a t="x>y/>" u='/>'>${nested(64)}</a>`).tooDeepAt).toBe(`<a t="x>y/>" u='/>'>`.length + 63 * 3);
    expect(walk(`<a t="/>"/>`).balanced).toBe(true);
  });

  it('stops at the limit, or keeps counting to tell balanced documents from HTML with unclosed tags', () => {
    const deep = walk(nested(70), 64, false);
    expect(deep).toMatchObject({ tooDeepAt: 64 * 3, balanced: true, elements: 70 });
    const html = walk('<p>' + 'line<br>'.repeat(100) + '</p>', 64, false);
    expect(html.tooDeepAt).toBeGreaterThan(0);
    expect(html.balanced).toBe(false);
    expect(walk(nested(70), 64, true).elements).toBe(65);
    expect(walk('</a><a></a>').balanced).toBe(false);
  });

  it('10,000 nested elements take one pass, no recursion', () => {
    expect(walk(nested(10_000), 10_000)).toMatchObject({ tooDeepAt: -1, balanced: true, elements: 10_000 });
    expect(walk(nested(10_000)).tooDeepAt).toBe(192);
  });
});

describe('joined text', () => {
  it('comments and PIs are removed and CDATA unwrapped, per element, with its path', () => {
    const doc = '<r><x>abc<!-- c -->def</x><y><![CDATA[ghi]]>jkl</y><z>m<?pi x?>n<![CDATA[o]]></z></r>';
    expect(walk(doc).runs).toEqual([
      { path: '/r/x', text: 'abcdef', offset: doc.indexOf('abc') },
      { path: '/r/y', text: 'ghijkl', offset: doc.indexOf('ghi') },
      { path: '/r/z', text: 'mno', offset: doc.indexOf('m<') },
    ]);
  });

  it('text the raw bytes already hold contiguously is not reported', () => {
    expect(walk('<r><x>abcdef</x><y><![CDATA[abc]]></y><z>\n  <!-- note -->\n  abc\n</z><w>a<b/>c</w></r>').runs).toEqual([]);
  });

  it('character and entity references are left as they are; runs below minText are dropped', () => {
    expect(walk('<x>&#x72;O0<!---->AB&amp;</x>').runs.map((r) => r.text)).toEqual(['&#x72;O0AB&amp;']);
    expect(walk('<x>ab<!---->cd</x>', 64, true, 8).runs).toEqual([]);
  });

  it('namespaced and non-ASCII names make the path; cut paths end with /…', () => {
    expect(walk('<ns:a xmlns:ns="u"><ü>x<!---->y</ü></ns:a>').runs[0]!.path).toBe('/ns:a/ü');
    const deep = walk(nested(66, 'x<!---->y'), 64, false).runs[0]!;
    expect(deep.path.endsWith('/…')).toBe(true);
  });

  it('unterminated markup ends the walk without throwing', () => {
    for (const doc of ['<x>a<!-- b', '<x>a<![CDATA[b', '<x a="', '<x>a<?p', '<!DOCTYPE x [ "', '<x>a</x', '<', '<x>a<1>b</x>']) {
      expect(() => walk(doc)).not.toThrow();
    }
    expect(walk('<x>ab<![CDATA[cd').runs.map((r) => r.text)).toEqual(['abcd']);
  });

  it('runs are disjoint pieces of the layer: their total never exceeds it', () => {
    const tokens = ['<x>', '</x>', '<y/>', '<!--', '-->', '<![CDATA[', ']]>', '<?p', '?>', 'abcd', ' ', '"', "'", '>', '<', '<!DOCTYPE x [', ']>'];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...tokens), { maxLength: 80 }), (parts) => {
        const doc = parts.join('');
        const r = walk(doc, 8, false);
        const total = r.runs.reduce((n, run) => n + Buffer.byteLength(run.text), 0);
        expect(total).toBeLessThanOrEqual(Buffer.byteLength(doc));
        expect(r.elements).toBeLessThanOrEqual(parts.length);
      }),
      { numRuns: 500 },
    );
  });
});
