/**
 * The false-positive matrix: benign bodies (benign.ts) in the carriers that
 * make sense for ordinary traffic must come out with no finding at all. The
 * wider matrix runs them through every other carrier too: clean as well,
 * except carriers the engine refuses by design (ambiguous framing, see
 * BY_DESIGN), which must be refusals (400/413/415), never attack findings.
 */
import { describe, expect, it } from 'vitest';
import { BENIGN } from './benign.js';
import { BENIGN_CARRIERS, CARRIERS } from './carriers.js';
import { VARIANTS } from './variants.js';
import { describeOutcome, runRequest } from './run.js';

/** Carriers refused whatever they carry (robustness notes: strict where parsers disagree). */
const BY_DESIGN: Readonly<Record<string, string>> = {
  'stacked-gzip-gzip-ce': 'stacked Content-Encoding',
  'nested-gzip-gzip-ce': 'the decoded body is gzip, not the declared JSON/form',
  'multipart-filename-star': 'RFC 2231 filename* (RFC 7578 forbids it)',
  'multipart-lf': 'LF-only multipart framing and a preamble',
  'multipart-mixed': 'nested multipart part',
  urlenc: '%00 in a form field (binary bodies)',
  'json-utf16le-nobom': 'JSON that is not UTF-8',
  'json-utf8-bom': 'JSON with a byte order mark',
  'json-dup-keys': 'duplicate JSON keys',
  'json-key': 'JSON keys longer than 4 KiB (a base64 upload as a key)',
  'text-utf16le-bom': 'JSON bodies that are not UTF-8',
  'text-utf16be-bom': 'JSON bodies that are not UTF-8',
};

/**
 * One known false positive, not fixed here: a quoted-printable XHTML/SVG part whose public DOCTYPE
 * line is soft-broken (`=\r\n`) inside the system literal. The raw multipart body, scanned as it is,
 * shows a DOCTYPE with an unknown external DTD (DW-XML-002); the decoded part is clean. Browsers
 * never send quoted-printable parts. See the report in docs/coverage.md.
 */
const KNOWN = new Set(['multipart-qp/xhtml-public-doctype', 'multipart-qp/svg11-public-doctype']);

describe('benign bodies in benign carriers: no finding', () => {
  for (const id of BENIGN_CARRIERS) {
    const c = CARRIERS.find((x) => x.id === id)!;
    describe(id, () => {
      for (const b of BENIGN) {
        if (c.applies && !c.applies(b)) continue;
        it(`${b.id} is clean`, () => {
          const req = c.build(b);
          const o = runRequest(req);
          expect(o.findings, `${b.id} via ${id}: ${describeOutcome(o)}`).toEqual([]);
          if (req.body.length > 1) expect(runRequest(req, 'default', [7, 1, 2]).findings).toEqual([]);
        });
      }
    });
  }
});

describe('benign bodies in every other carrier: clean, or refused by design', () => {
  for (const c of [...CARRIERS, ...VARIANTS]) {
    if (BENIGN_CARRIERS.includes(c.id)) continue;
    it(c.id, () => {
      for (const b of BENIGN) {
        if ((c.applies && !c.applies(b)) || KNOWN.has(`${c.id}/${b.id}`)) continue;
        const o = runRequest(c.build(b));
        const why = `${b.id} via ${c.id}: ${describeOutcome(o)}`;
        if (BY_DESIGN[c.id] !== undefined) expect(o.findings.filter((f) => f.kind === 'attack'), why).toEqual([]);
        else expect(o.findings, why).toEqual([]);
      }
    });
  }
});

describe('the benign set tempts every detector', () => {
  it('holds uploads, binary messages, look-alike bytes and markers of every family', () => {
    const all = Buffer.concat(BENIGN.map((b) => Buffer.from(b.bytes))).toString('latin1');
    for (const marker of ['rO0AB', 'aced0005', '$type', '@type', '!!python', '<!DOCTYPE', 'O:8:', '_$$ND_FUNC$$_', '\xac\xed\x00\x05', '\x80\x04\x95', '\x04\x08', 'PK\x03\x04', '%PDF', '\x89PNG', '\xff\xd8\xff']) {
      expect(all.includes(marker), marker).toBe(true);
    }
  });
});
