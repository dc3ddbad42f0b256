/**
 * The allow-list of well-known public DTDs a DOCTYPE may reference without
 * being DW-XML-002: formal public identifiers (FPI) of W3C/IETF/WAP DTDs
 * (and Apple's property-list DTD)
 * paired with their canonical system URLs (http or https, exact host and
 * path). A well-known FPI with a system literal anywhere else is not allowed;
 * a system literal alone is allowed only when it is one of the canonical URLs
 * (or HTML5's `about:legacy-compat`); an FPI with no system literal (HTML
 * 2.0-4.01 style, nothing to fetch) only when the FPI is known.
 */

interface PublicDtd {
  readonly fpi: string;
  /** Canonical system URLs without the scheme. */
  readonly system: readonly string[];
}

const W3 = 'www.w3.org/';

const DTDS: readonly PublicDtd[] = [
  { fpi: '-//W3C//DTD XHTML 1.0 Strict//EN', system: [W3 + 'TR/xhtml1/DTD/xhtml1-strict.dtd'] },
  { fpi: '-//W3C//DTD XHTML 1.0 Transitional//EN', system: [W3 + 'TR/xhtml1/DTD/xhtml1-transitional.dtd'] },
  { fpi: '-//W3C//DTD XHTML 1.0 Frameset//EN', system: [W3 + 'TR/xhtml1/DTD/xhtml1-frameset.dtd'] },
  { fpi: '-//W3C//DTD XHTML 1.1//EN', system: [W3 + 'TR/xhtml11/DTD/xhtml11.dtd'] },
  { fpi: '-//W3C//DTD XHTML Basic 1.0//EN', system: [W3 + 'TR/xhtml-basic/xhtml-basic10.dtd'] },
  { fpi: '-//W3C//DTD XHTML Basic 1.1//EN', system: [W3 + 'TR/xhtml-basic/xhtml-basic11.dtd'] },
  { fpi: '-//W3C//DTD XHTML+RDFa 1.0//EN', system: [W3 + 'MarkUp/DTD/xhtml-rdfa-1.dtd'] },
  { fpi: '-//W3C//DTD XHTML+RDFa 1.1//EN', system: [W3 + 'MarkUp/DTD/xhtml-rdfa-2.dtd'] },
  { fpi: '-//W3C//DTD XHTML 1.1 plus MathML 2.0//EN', system: [W3 + 'Math/DTD/mathml2/xhtml-math11-f.dtd'] },
  {
    fpi: '-//W3C//DTD XHTML 1.1 plus MathML 2.0 plus SVG 1.1//EN',
    system: [W3 + '2002/04/xhtml-math-svg/xhtml-math-svg.dtd'],
  },
  { fpi: '-//WAPFORUM//DTD XHTML Mobile 1.0//EN', system: ['www.wapforum.org/DTD/xhtml-mobile10.dtd'] },
  { fpi: '-//WAPFORUM//DTD XHTML Mobile 1.2//EN', system: ['www.openmobilealliance.org/tech/DTD/xhtml-mobile12.dtd'] },
  { fpi: '-//W3C//DTD HTML 4.01//EN', system: [W3 + 'TR/html4/strict.dtd'] },
  { fpi: '-//W3C//DTD HTML 4.01 Transitional//EN', system: [W3 + 'TR/html4/loose.dtd'] },
  { fpi: '-//W3C//DTD HTML 4.01 Frameset//EN', system: [W3 + 'TR/html4/frameset.dtd'] },
  { fpi: '-//W3C//DTD HTML 4.0//EN', system: [W3 + 'TR/REC-html40/strict.dtd', W3 + 'TR/html4/strict.dtd'] },
  { fpi: '-//W3C//DTD HTML 4.0 Transitional//EN', system: [W3 + 'TR/REC-html40/loose.dtd', W3 + 'TR/html4/loose.dtd'] },
  { fpi: '-//W3C//DTD HTML 4.0 Frameset//EN', system: [W3 + 'TR/REC-html40/frameset.dtd'] },
  { fpi: '-//W3C//DTD HTML 3.2 Final//EN', system: [] },
  { fpi: '-//W3C//DTD HTML 3.2//EN', system: [] },
  { fpi: '-//IETF//DTD HTML 2.0//EN', system: [] },
  { fpi: '-//IETF//DTD HTML//EN', system: [] },
  { fpi: '-//W3C//DTD SVG 1.0//EN', system: [W3 + 'TR/2001/REC-SVG-20010904/DTD/svg10.dtd'] },
  { fpi: '-//W3C//DTD SVG 20010904//EN', system: [W3 + 'TR/2001/REC-SVG-20010904/DTD/svg10.dtd'] },
  {
    fpi: '-//W3C//DTD SVG 20000303 Stylable//EN',
    system: [W3 + 'TR/2000/03/WD-SVG-20000303/DTD/svg-20000303-stylable.dtd'],
  },
  { fpi: '-//W3C//DTD SVG 1.1//EN', system: [W3 + 'Graphics/SVG/1.1/DTD/svg11.dtd'] },
  { fpi: '-//W3C//DTD SVG 1.1 Basic//EN', system: [W3 + 'Graphics/SVG/1.1/DTD/svg11-basic.dtd'] },
  { fpi: '-//W3C//DTD SVG 1.1 Tiny//EN', system: [W3 + 'Graphics/SVG/1.1/DTD/svg11-tiny.dtd'] },
  { fpi: '-//W3C//DTD MathML 2.0//EN', system: [W3 + 'Math/DTD/mathml2/mathml2.dtd'] },
  { fpi: '-//W3C//DTD MathML 3.0//EN', system: [W3 + 'Math/DTD/mathml3/mathml3.dtd'] },
  { fpi: '-//W3C//DTD SMIL 1.0//EN', system: [W3 + 'TR/REC-smil/SMIL10.dtd'] },
  { fpi: '-//W3C//DTD SMIL 2.0//EN', system: [W3 + '2001/SMIL20/SMIL20.dtd'] },
  { fpi: '-//W3C//DTD SMIL 2.1//EN', system: [W3 + '2005/SMIL21/SMIL21.dtd'] },
  // Apple property lists are posted by MDM and iOS tooling; the DTD is served by Apple.
  { fpi: '-//Apple//DTD PLIST 1.0//EN', system: ['www.apple.com/DTDs/PropertyList-1.0.dtd'] },
  { fpi: '-//Apple Computer//DTD PLIST 1.0//EN', system: ['www.apple.com/DTDs/PropertyList-1.0.dtd'] },
];

/** System literals allowed without an FPI: every canonical URL plus MathML 1 and HTML5's legacy-compat. */
const EXTRA_SYSTEM_ONLY = [W3 + 'Math/DTD/mathml1/mathml.dtd'];

const BY_FPI: ReadonlyMap<string, ReadonlySet<string>> = new Map(
  DTDS.map((d) => [normalizeFpi(d.fpi), new Set(d.system.map((s) => s.toLowerCase()))]),
);
const SYSTEM_ONLY: ReadonlySet<string> = new Set(
  [...DTDS.flatMap((d) => d.system), ...EXTRA_SYSTEM_ONLY].map((s) => s.toLowerCase()),
);

/** Longest identifier compared; longer ones are never well-known. */
const MAX_ID_BYTES = 256;

/** Whitespace runs collapsed to one space, trimmed, upper-cased (FPIs are compared case-insensitively, like browsers do). */
function normalizeFpi(s: string): string {
  let out = '';
  let space = false;
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a) {
      space = out.length > 0;
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += String.fromCharCode(c >= 0x61 && c <= 0x7a ? c - 0x20 : c);
  }
  return out;
}

function text(b: Uint8Array): string | null {
  if (b.length > MAX_ID_BYTES) return null;
  let s = '';
  for (let k = 0; k < b.length; k++) s += String.fromCharCode(b[k]!);
  return s;
}

/** The system URL without `http://` / `https://`, lower-cased; null for any other scheme. */
function canonicalUrl(system: string): string | null {
  const t = system.trim().toLowerCase();
  if (t.startsWith('http://')) return t.slice(7);
  if (t.startsWith('https://')) return t.slice(8);
  return null;
}

/** True when a DOCTYPE's external identifier names a well-known public DTD at its canonical location. */
export function isWellKnownDtd(publicId: Uint8Array | undefined, systemId: Uint8Array | undefined): boolean {
  const pub = publicId ? text(publicId) : undefined;
  const sys = systemId ? text(systemId) : undefined;
  if (pub === null || sys === null) return false;
  if (pub !== undefined) {
    const allowed = BY_FPI.get(normalizeFpi(pub));
    if (!allowed) return false;
    if (sys === undefined) return true;
    const url = canonicalUrl(sys);
    return url !== null && allowed.has(url);
  }
  if (sys === undefined) return false;
  if (sys.trim().toLowerCase() === 'about:legacy-compat') return true;
  const url = canonicalUrl(sys);
  return url !== null && SYSTEM_ONLY.has(url);
}
