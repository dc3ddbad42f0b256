/**
 * Byte helpers for the Java stream parser: big-endian reads and bounded
 * searches (Buffer.indexOf on a view of exactly the searched range).
 */
import { JAVA_STREAM_MAGIC } from './constants.js';

export function readI32(b: Uint8Array, p: number): number {
  return (((b[p] as number) << 24) | ((b[p + 1] as number) << 16) | ((b[p + 2] as number) << 8) | (b[p + 3] as number)) | 0;
}

export function hex2(n: number): string {
  return n.toString(16).padStart(2, '0');
}

function view(b: Uint8Array, from: number, to: number): Buffer {
  return Buffer.from(b.buffer, b.byteOffset + from, Math.max(0, to - from));
}

/** Offset of `AC ED 00 05` in b[from, to), or -1. */
export function indexOfMagic(b: Uint8Array, from: number, to: number): number {
  return indexOfSeq(b, JAVA_STREAM_MAGIC, from, to);
}

/** Offset of `seq` in b[from, to), or -1. */
export function indexOfSeq(b: Uint8Array, seq: Uint8Array, from: number, to: number): number {
  if (to - from < seq.length) return -1;
  const i = view(b, from, to).indexOf(seq);
  return i < 0 ? -1 : from + i;
}

/** Offset of `byte` in b[from, to), or -1. */
export function indexOfByte(b: Uint8Array, byte: number, from: number, to: number): number {
  if (to <= from) return -1;
  const i = view(b, from, to).indexOf(byte);
  return i < 0 ? -1 : from + i;
}
