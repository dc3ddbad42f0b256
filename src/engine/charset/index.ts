/**
 * Charset detection and transcoding for XML-ish layers, and character
 * reference decoding for text layers: the public surface of src/engine/charset.
 */
export { decodeCharRefs, decodeCharRefsDetailed, type CharRefDecode, type CharRefOptions } from './char-refs.js';
export { type Charset, type CharsetFamily, resolveCharset } from './labels.js';
export { sniffXmlEncoding, type SniffSource, type XmlEncodingSniff } from './sniff.js';
export {
  DEFAULT_MAX_TRANSCODE_BYTES,
  isTranscodeError,
  transcode,
  transcodeLenient,
  type TranscodeError,
} from './transcode.js';
export type { DecodeResult } from './utf8-sink.js';
export { parseXmlDeclaration, type XmlDeclaration } from './xml-declaration.js';
