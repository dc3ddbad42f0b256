/**
 * Transcoding of XML-ish layers to UTF-8: one entry point that dispatches on
 * the charset name (UTF-16/32 in every byte order, UTF-7, EBCDIC, Latin-1,
 * windows-1252 and any ASCII-compatible charset TextDecoder knows). A leading
 * byte order mark (U+FEFF) is dropped from the output. `transcode` is strict
 * (any undecodable sequence is an error); `transcodeLenient` replaces them
 * with U+FFFD and says how many there were.
 */
import { isUtf8 } from 'node:buffer';
import { TextDecoder } from 'node:util';
import { type Charset, resolveCharset } from './labels.js';
import { decodeLatin1, decodeTable, decodeWindows1252, decodeWithTextDecoder, EBCDIC_TABLES } from './single-byte.js';
import { decodeUtf16 } from './utf16.js';
import { decodeUtf32 } from './utf32.js';
import { decodeUtf7 } from './utf7.js';
import type { DecodeResult } from './utf8-sink.js';

/** Default cap on transcoded output (bytes). */
export const DEFAULT_MAX_TRANSCODE_BYTES = 16 * 1024 * 1024;

export interface TranscodeError {
  /** unsupported: unknown charset; invalid: undecodable bytes; limit: output above maxOut. */
  readonly error: 'unsupported' | 'invalid' | 'limit';
  /** Input offset where decoding failed (0 for unsupported). */
  readonly offset: number;
}

export function isTranscodeError(value: unknown): value is TranscodeError {
  return typeof value === 'object' && value !== null && !(value instanceof Uint8Array) && 'error' in value;
}

/**
 * Strict transcoding: UTF-8 bytes, or an error value when the charset is
 * unknown, a byte sequence is undecodable or the output would exceed `maxOut`.
 */
export function transcode(
  bytes: Uint8Array,
  encoding: string,
  maxOut: number = DEFAULT_MAX_TRANSCODE_BYTES,
): Uint8Array | TranscodeError {
  const r = transcodeLenient(bytes, encoding, maxOut);
  if (isTranscodeError(r)) return r;
  if (r.errors > 0) return { error: 'invalid', offset: r.firstError };
  if (r.truncated) return { error: 'limit', offset: r.consumed };
  return r.out;
}

/** Lenient transcoding starting at input offset `start` (error value only for an unknown charset). */
export function transcodeLenient(
  bytes: Uint8Array,
  encoding: string,
  maxOut: number = DEFAULT_MAX_TRANSCODE_BYTES,
  start = 0,
): DecodeResult | TranscodeError {
  const cs = resolveCharset(encoding);
  if (!cs) return { error: 'unsupported', offset: 0 };
  const r = decodeCharset(bytes, cs, maxOut, Math.max(0, Math.min(start, bytes.length)));
  if (!r) return { error: 'unsupported', offset: 0 };
  return stripBom(r);
}

/** Decodes with a resolved charset; null if TextDecoder turns out not to know it. */
export function decodeCharset(bytes: Uint8Array, cs: Charset, maxOut: number, start: number): DecodeResult | null {
  switch (cs.name) {
    case 'utf-8':
      return passUtf8(bytes, maxOut, start);
    case 'utf-16':
      return decodeUtf16(bytes, utf16LittleEndian(bytes, start), maxOut, start);
    case 'utf-16le':
      return decodeUtf16(bytes, true, maxOut, start);
    case 'utf-16be':
      return decodeUtf16(bytes, false, maxOut, start);
    case 'utf-32':
      return decodeUtf32(bytes, utf32LittleEndian(bytes, start) ? '4321' : '1234', maxOut, start);
    case 'utf-32le':
      return decodeUtf32(bytes, '4321', maxOut, start);
    case 'utf-32be':
      return decodeUtf32(bytes, '1234', maxOut, start);
    case 'utf-32-2143':
      return decodeUtf32(bytes, '2143', maxOut, start);
    case 'utf-32-3412':
      return decodeUtf32(bytes, '3412', maxOut, start);
    case 'utf-7':
      return decodeUtf7(bytes, maxOut, start);
    case 'iso-8859-1':
    case 'us-ascii':
      return decodeLatin1(bytes, maxOut, start);
    case 'windows-1252':
      return decodeWindows1252(bytes, maxOut, start);
    default: {
      const table = EBCDIC_TABLES[cs.name];
      if (table) return decodeTable(bytes, table, maxOut, start);
      return decodeWithTextDecoder(bytes, cs.name, maxOut, start);
    }
  }
}

/** Unmarked UTF-16: a BOM decides, else `xx 00` looks little-endian; big-endian by default (RFC 2781). */
function utf16LittleEndian(b: Uint8Array, s: number): boolean {
  if (b[s] === 0xff && b[s + 1] === 0xfe) return true;
  if (b[s] === 0xfe && b[s + 1] === 0xff) return false;
  return b[s] !== 0 && b[s + 1] === 0;
}

function utf32LittleEndian(b: Uint8Array, s: number): boolean {
  if (b[s] === 0xff && b[s + 1] === 0xfe && b[s + 2] === 0 && b[s + 3] === 0) return true;
  if (b[s] === 0 && b[s + 1] === 0 && b[s + 2] === 0xfe && b[s + 3] === 0xff) return false;
  return b[s] !== 0 && b[s + 3] === 0;
}

/**
 * UTF-8 in, UTF-8 out: a view of the input when it is valid (cut at a
 * character boundary at maxOut); otherwise a copy with U+FFFD for each
 * invalid sequence (WHATWG decoding) and the offset of the first one.
 */
function passUtf8(bytes: Uint8Array, maxOut: number, start: number): DecodeResult {
  let end = bytes.length;
  let truncated = false;
  if (end - start > maxOut) {
    end = start + Math.max(0, maxOut);
    while (end > start && (bytes[end]! & 0xc0) === 0x80) end--;
    truncated = true;
  }
  const view = bytes.subarray(start, end);
  if (isUtf8(view)) return { out: view, errors: 0, firstError: -1, truncated, consumed: end };
  const text = UTF8_LENIENT.decode(view);
  let errors = 0;
  for (let at = text.indexOf('\ufffd'); at >= 0 && errors < view.length; at = text.indexOf('\ufffd', at + 1)) errors++;
  let out: Uint8Array = Buffer.from(text, 'utf8');
  if (out.length > maxOut) {
    let cut = Math.max(0, maxOut);
    while (cut > 0 && (out[cut]! & 0xc0) === 0x80) cut--;
    out = out.subarray(0, cut);
    truncated = true;
  }
  return { out, errors: Math.max(1, errors), firstError: start + firstInvalidUtf8(view), truncated, consumed: end };
}

const UTF8_LENIENT = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/** Offset of the first byte that does not start a valid UTF-8 sequence (0 when none is found). */
function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    let need: number;
    let min: number;
    if (c < 0x80) {
      i++;
      continue;
    } else if (c >= 0xc2 && c <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      min = 0x10000;
    } else {
      return i;
    }
    let cp = c & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const d = b[i + k];
      if (d === undefined || (d & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (d & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return 0;
}

function stripBom(r: DecodeResult): DecodeResult {
  const o = r.out;
  if (o.length >= 3 && o[0] === 0xef && o[1] === 0xbb && o[2] === 0xbf) return { ...r, out: o.subarray(3) };
  return r;
}
