/**
 * Byte and base64 anchors of the .NET binary formats, for triggers and for
 * the engine's base64 sniffing (detection-anchors.md §4.1, appendix).
 *
 * Base64 anchors are alignment-safe: only characters fully determined by the
 * 17 header bytes (RootId 1, HeaderId -1, version 1.0) whatever the header's
 * offset modulo 3 and whatever bytes surround it.
 */
import { RecordType } from './nrbf-format.js';

/** NRBF header in base64 at offset 0, 1 and 2 (mod 3) of the encoded data, then the base64url forms. */
export const NRBF_B64_ANCHORS: readonly string[] = [
  'AAEAAAD/////AQAAAAAAAAA',
  'ABAAAA/////wEAAAAAAAAA',
  'AQAAAP////8BAAAAAAAAA',
  'AAEAAAD_____AQAAAAAAAAA',
  'ABAAAA_____wEAAAAAAAAA',
  'AQAAAP____8BAAAAAAAAA',
];

/** ObjectStateFormatter marker `FF 01` at the start of a base64 value; `/wEy` = BinarySerialized first. */
export const VIEWSTATE_B64_ANCHORS: readonly string[] = ['/wE', '_wE'];

/**
 * NRBF trigger literals and where the SerializationHeaderRecord starts
 * relative to a hit. `HeaderId -1 + version 1.0` covers any RootId; version
 * 1.0 + a typical first record covers any HeaderId as well.
 */
export interface NrbfTrigger {
  readonly bytes: Uint8Array;
  /** Header start = hit offset - back. */
  readonly back: number;
}

const VERSION = [0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00];
const FIRST_RECORDS = [
  RecordType.BinaryLibrary,
  RecordType.SystemClassWithMembersAndTypes,
  RecordType.ClassWithMembersAndTypes,
  RecordType.SystemClassWithMembers,
  RecordType.ClassWithMembers,
  RecordType.BinaryArray,
  RecordType.ArraySingleObject,
  RecordType.ArraySingleString,
  RecordType.MethodCall,
  RecordType.MethodReturn,
];

export const NRBF_TRIGGERS: readonly NrbfTrigger[] = [
  { bytes: Uint8Array.of(0xff, 0xff, 0xff, 0xff, ...VERSION), back: 5 },
  ...FIRST_RECORDS.map((rt) => ({ bytes: Uint8Array.of(...VERSION, rt), back: 9 })),
];
