/**
 * Encoding labels (XML `encoding="..."`, HTTP charset) to a canonical charset
 * name and its family. The family is what the XML sniffer compares: a UTF-16
 * byte pattern with a UTF-8 declaration is a contradiction, a declaration of
 * windows-1250 on ASCII-shaped bytes is not.
 */
import { TextDecoder } from 'node:util';

export type CharsetFamily = 'utf-8' | 'utf-16' | 'utf-32' | 'utf-7' | 'ebcdic' | 'ascii';

export interface Charset {
  /**
   * Canonical name: utf-8, utf-16, utf-16le, utf-16be, utf-32, utf-32le, utf-32be,
   * utf-32-2143, utf-32-3412, utf-7, ibm037, ibm500, ibm1047, iso-8859-1, us-ascii,
   * windows-1252, or the WHATWG name of another ASCII-compatible charset.
   */
  readonly name: string;
  readonly family: CharsetFamily;
}

/** Longest label looked at; longer declarations are not a charset anybody supports. */
export const MAX_LABEL_LENGTH = 40;

const ALIASES: ReadonlyMap<string, Charset> = (() => {
  const m = new Map<string, Charset>();
  const add = (name: string, family: CharsetFamily, labels: string): void => {
    const cs: Charset = { name, family };
    m.set(name, cs);
    for (const l of labels.split(' ')) if (l) m.set(l, cs);
  };
  add('utf-8', 'utf-8', 'utf8 unicode-1-1-utf-8 unicode11utf8 unicode20utf8 x-unicode20utf8');
  add('utf-16', 'utf-16', 'utf16 ucs-2 ucs2 iso-10646-ucs-2 csunicode unicode unicodebig');
  add('utf-16le', 'utf-16', 'utf16le unicodelittleunmarked unicodelittle x-utf-16le-bom');
  add('utf-16be', 'utf-16', 'utf16be unicodebigunmarked x-utf-16be-bom');
  add('utf-32', 'utf-32', 'utf32 ucs-4 ucs4 iso-10646-ucs-4');
  add('utf-32le', 'utf-32', 'utf32le x-utf-32le-bom');
  add('utf-32be', 'utf-32', 'utf32be x-utf-32be-bom');
  add('utf-32-2143', 'utf-32', '');
  add('utf-32-3412', 'utf-32', '');
  add('utf-7', 'utf-7', 'utf7 unicode-1-1-utf-7 csunicode11utf7 x-utf-7');
  add(
    'ibm037',
    'ebcdic',
    'ibm-037 ibm37 cp037 cp37 037 csibm037 cpibm37 ebcdic-cp-us ebcdic-cp-ca ebcdic-cp-wt ebcdic-cp-nl ibm1140 ibm-1140 cp1140 ibm01140 ebcdic-us-37+euro',
  );
  add('ibm500', 'ebcdic', 'ibm-500 cp500 500 csibm500 ebcdic-cp-be ebcdic-cp-ch ibm1148 ibm-1148 cp1148 ibm01148');
  add('ibm1047', 'ebcdic', 'ibm-1047 cp1047 1047');
  add(
    'iso-8859-1',
    'ascii',
    'iso8859-1 iso_8859-1 iso_8859-1:1987 iso8859_1 8859_1 latin1 latin-1 l1 iso-ir-100 cp819 ibm819 csisolatin1',
  );
  add('us-ascii', 'ascii', 'ascii ansi_x3.4-1968 iso646-us us cp367 ibm367 csascii iso-ir-6');
  add('windows-1252', 'ascii', 'cp1252 cp-1252 x-cp1252');
  return m;
})();

/** Decoders for other ASCII-compatible labels, by lower-cased label (only labels TextDecoder knows). */
const textDecoders = new Map<string, TextDecoder>();
const MAX_CACHED_DECODERS = 64;

/** Lower-cases and trims a label; null when it is empty or too long. */
export function normalizeLabel(label: string): string | null {
  const l = label.trim().toLowerCase();
  if (l.length === 0 || l.length > MAX_LABEL_LENGTH) return null;
  return l;
}

/** The charset a label names, or null when it names nothing we can decode. */
export function resolveCharset(label: string): Charset | null {
  const l = normalizeLabel(label);
  if (l === null) return null;
  const known = ALIASES.get(l);
  if (known) return known;
  const dec = textDecoderFor(l);
  if (!dec) return null;
  const whatwg = dec.encoding;
  if (whatwg === 'utf-8') return ALIASES.get('utf-8')!;
  if (whatwg === 'utf-16le' || whatwg === 'utf-16be') return ALIASES.get(whatwg)!;
  return { name: whatwg, family: 'ascii' };
}

/** A cached TextDecoder (non-fatal) for a label TextDecoder knows, else undefined. */
export function textDecoderFor(label: string): TextDecoder | undefined {
  const cached = textDecoders.get(label);
  if (cached) return cached;
  let dec: TextDecoder;
  try {
    // The constructor throws RangeError for labels it does not know (by design).
    dec = new TextDecoder(label, { fatal: false, ignoreBOM: false });
  } catch {
    return undefined;
  }
  if (textDecoders.size < MAX_CACHED_DECODERS) textDecoders.set(label, dec);
  return dec;
}
