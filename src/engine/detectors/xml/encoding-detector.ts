/**
 * `xmlEncodingDetector`: finds XML-ish layers that are not in an
 * ASCII-compatible encoding (UTF-16/32 with or without BOM, EBCDIC, UTF-7
 * declared or smuggled as `+ADw...`), transcodes them to UTF-8 and hands the
 * text back with `ctx.nested(text, 'charset:<name>', {decoder: true})` so
 * every detector sees it. Contradictory encodings (a declaration that
 * disagrees with the BOM or byte pattern, UTF-16 declared on an 8-bit body)
 * and undecodable bytes are DW-XML-007 (malformed); an unknown declared
 * charset is DW-XML-007 (unsupported); output beyond the transcoding limit is
 * DW-XML-008. Layers this detector produced itself are not examined again.
 */
import { sniffXmlEncoding } from '../../charset/sniff.js';
import { resolveCharset } from '../../charset/labels.js';
import { DEFAULT_MAX_TRANSCODE_BYTES, isTranscodeError, transcodeLenient } from '../../charset/transcode.js';
import type { DetectorContext, LayerInfo, StructuralDetector, TriggerHit } from '../detector.js';
import { FindingList } from './findings.js';
import { XML_RULES } from './rules.js';

/** Byte patterns that can only matter near the start of a layer, plus the UTF-7 `<` run anywhere. */
export const XML_ENCODING_TRIGGERS = ['\xfe\xff', '\xff\xfe', '<\x00', '\x00<', '\x4c\x6f\xa7\x94', '<?xml', '+/v', '+ADw'] as const;
const T_UTF7 = XML_ENCODING_TRIGGERS.indexOf('+ADw');

/** Hits beyond this offset are not about the start of the layer. */
const START_WINDOW = 40;
const LABEL_PREFIX = 'charset:';

export interface XmlEncodingOptions {
  /** Cap on transcoded output per layer (bytes). */
  readonly maxOut: number;
}

export function createXmlEncodingDetector(
  options: XmlEncodingOptions = { maxOut: DEFAULT_MAX_TRANSCODE_BYTES },
): StructuralDetector {
  return {
    name: 'xml-encoding',
    family: 'xml',
    triggers: XML_ENCODING_TRIGGERS,
    caseInsensitive: false,
    inspect(bytes, hits, layer, ctx) {
      if (producedHere(layer)) return;
      const out = new FindingList(8);
      let nestedWhole = false;
      if (hits.some((h) => h.offset < START_WINDOW && h.trigger !== T_UTF7)) {
        nestedWhole = inspectStart(bytes, layer, ctx, out, options.maxOut);
      }
      if (!nestedWhole && hits.some((h: TriggerHit) => h.trigger === T_UTF7)) {
        smuggledUtf7(bytes, layer, ctx, options.maxOut);
      }
      for (const f of out.items) ctx.report(f);
    },
  };
}

export const xmlEncodingDetector: StructuralDetector = createXmlEncodingDetector();

function producedHere(layer: LayerInfo): boolean {
  const last = layer.location.lastIndexOf('>');
  return layer.location.startsWith(LABEL_PREFIX, last + 1);
}

/**
 * Whether a contradictory or unknown declaration is refused here. Not in a
 * single value (a .NET XmlWriter string says encoding="utf-16" and reaches the
 * app as a string, where the declaration is ignored), and not below a
 * transcoded layer (its text still carries the original declaration).
 */
function declarationsCount(layer: LayerInfo): boolean {
  return !layer.isValue && !layer.location.startsWith(LABEL_PREFIX) && !layer.location.includes('>' + LABEL_PREFIX);
}

/**
 * Hand a transcoded reading back. A speculative reading (UTF-7 guessed without a declaration) does not
 * inherit the layer's media type: it is another document, and a declared JSON or form view must not
 * refuse it for not being JSON.
 */
function nest(ctx: DetectorContext, layer: LayerInfo, text: Uint8Array, encoding: string, speculative = false): void {
  ctx.nested(text, LABEL_PREFIX + encoding, {
    decoder: true,
    isValue: layer.isValue,
    ...(layer.contentType !== undefined && !speculative ? { contentType: layer.contentType } : {}),
    ...(layer.filename !== undefined ? { filename: layer.filename } : {}),
  });
}

/** BOM / byte pattern / declaration at the start of the layer. Returns true when the whole layer was transcoded. */
function inspectStart(bytes: Uint8Array, layer: LayerInfo, ctx: DetectorContext, out: FindingList, maxOut: number): boolean {
  const s = sniffXmlEncoding(bytes);
  const refuse = declarationsCount(layer);
  if (s.unsupported && refuse) {
    out.add(XML_RULES.encoding, 0, 32, 'XML declaration names an unknown encoding', 'unsupported');
  }
  if (s.conflict) {
    if (refuse) out.add(XML_RULES.encoding, 0, 32, `contradictory XML encoding: ${s.conflict}`);
    // A parser that believes the declaration reads the rest in that encoding: inspect that reading too.
    const declared = s.declared !== undefined ? resolveCharset(s.declared) : null;
    if (declared && declared.family !== 'utf-8' && declared.family !== 'ascii' && s.declarationEnd > 0) {
      const r = transcodeLenient(bytes, declared.name, maxOut, s.declarationEnd);
      if (!isTranscodeError(r) && r.out.length > 0) nest(ctx, layer, r.out, declared.name);
    }
  }
  if (s.family === 'utf-8' || s.family === 'ascii') return false;
  const r = transcodeLenient(bytes, s.encoding, maxOut, s.bomLength);
  if (isTranscodeError(r)) {
    out.add(XML_RULES.encoding, 0, 32, `cannot decode ${s.encoding}`, 'unsupported');
    return false;
  }
  // Undecodable bytes and the output limit only matter for markup: a UTF-16 CSV export with an odd
  // trailing byte, or a binary that happens to start with `3C 00 41 00`, is handed on but not refused.
  const markup = startsWithMarkup(r.out);
  if (r.errors > 0 && markup && s.confidence >= 0.9) {
    out.add(XML_RULES.encoding, r.firstError, 16, `undecodable ${s.encoding} sequence (${r.errors} in the layer)`);
  }
  if (r.truncated && markup) {
    out.add(XML_RULES.limit, 0, 32, `transcoded ${s.encoding} text exceeds ${maxOut} bytes`, 'limit', 'xml.maxTranscodeBytes');
  }
  nest(ctx, layer, r.out, s.encoding);
  return true;
}

/** The first non-whitespace character (within 64 bytes) is `<`. */
function startsWithMarkup(text: Uint8Array): boolean {
  for (let i = 0; i < text.length && i < 64; i++) {
    const c = text[i]!;
    if (c === 0x3c) return true;
    if (c !== 0x20 && c !== 0x09 && c !== 0x0d && c !== 0x0a) return false;
  }
  return false;
}

/**
 * Markup that makes a UTF-7 reading worth inspecting: a DOCTYPE, an entity declaration or an XML
 * declaration. Any `<!` or `<?` is not enough: base64 text (cookies, JSON fields, base64 of UTF-16)
 * contains `+ADw` by chance, and its UTF-7 reading is noise in which `<!` turns up now and then.
 */
const REVEALING = ['<!doctype', '<!entity', '<?xml'].map((s) => Buffer.from(s, 'latin1'));

/** `+ADw` (UTF-7 for `<`) without a UTF-7 declaration: nest the UTF-7 reading when it reveals a prolog. */
function smuggledUtf7(bytes: Uint8Array, layer: LayerInfo, ctx: DetectorContext, maxOut: number): void {
  const r = transcodeLenient(bytes, 'utf-7', maxOut, 0);
  if (isTranscodeError(r)) return;
  const text = lowerAscii(r.out);
  const raw = lowerAscii(bytes);
  const revealed = REVEALING.some((needle) => countOf(text, needle) > countOf(raw, needle));
  if (revealed) nest(ctx, layer, r.out, 'utf-7', true);
}

/** ASCII lower-case copy (bounded by the transcoding limit for the reading, by the layer for the raw bytes). */
function lowerAscii(b: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(b.length);
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    out[i] = c >= 0x41 && c <= 0x5a ? c | 0x20 : c;
  }
  return out;
}

const MAX_COUNT = 1024;
function countOf(hay: Buffer, needle: Buffer): number {
  let n = 0;
  for (let at = hay.indexOf(needle); at >= 0 && n < MAX_COUNT; at = hay.indexOf(needle, at + needle.length)) n++;
  return n;
}
