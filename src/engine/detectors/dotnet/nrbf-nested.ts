/**
 * Bridge gadgets hide a second payload inside an NRBF stream: a base64
 * BinaryFormatter blob in a string member (WindowsIdentity actor,
 * ClaimsIdentity claims), XAML in a string (TextFormattingRunProperties), a
 * nested stream in a byte[] (DataSet tables). Hand those back to the engine
 * as nested layers so every detector sees them.
 */
import type { DetectorContext } from '../detector.js';
import { isSpace } from './bytes.js';
import type { NrbfReport } from './nrbf.js';

/** Nested layers handed back per inspected layer. */
export const NRBF_MAX_NESTED = 16;
/** Shortest byte array worth a layer. */
export const NRBF_MIN_NESTED_BYTES = 16;

function isBase64Byte(b: number | undefined): boolean {
  if (b === undefined) return false;
  return (
    (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || (b >= 0x30 && b <= 0x39) ||
    b === 0x2b || b === 0x2f || b === 0x3d || b === 0x2d || b === 0x5f || isSpace(b)
  );
}

/** Base64 text with the NRBF or ViewState anchor at its start (after whitespace). */
function anchoredBase64(buf: Buffer, start: number, end: number): boolean {
  let p = start;
  while (p < end && isSpace(buf[p])) p++;
  return buf.toString('latin1', p, Math.min(end, p + 12)) === 'AAEAAAD/////' || buf.toString('latin1', p, Math.min(end, p + 3)) === '/wE';
}

function allBase64(buf: Buffer, start: number, end: number): boolean {
  for (let p = start; p < end; p++) if (!isBase64Byte(buf[p])) return false;
  return true;
}

/** Returns the remaining nested budget. */
export function nestNrbfPayloads(buf: Buffer, report: NrbfReport, ctx: DetectorContext, budget: number): number {
  let left = budget;
  for (const s of report.strings) {
    if (left <= 0) return 0;
    const end = s.offset + s.length;
    if (s.length < NRBF_MIN_NESTED_BYTES || end > buf.length) continue;
    let p = s.offset;
    while (p < end && isSpace(buf[p])) p++;
    if (buf[p] === 0x3c) {
      ctx.nested(buf.subarray(s.offset, end), 'nrbf-string', { isValue: true });
      left--;
    } else if (anchoredBase64(buf, s.offset, end)) {
      const decoded = Buffer.from(buf.toString('latin1', s.offset, end), 'base64');
      ctx.nested(decoded, 'nrbf-string>base64', { decoder: true, isValue: true });
      left--;
    } else if (s.length >= 32 && allBase64(buf, s.offset, end)) {
      ctx.nested(buf.subarray(s.offset, end), 'nrbf-string', { isValue: true });
      left--;
    }
  }
  for (const a of report.byteArrays) {
    if (left <= 0) return 0;
    if (a.length < NRBF_MIN_NESTED_BYTES || a.offset + a.length > buf.length) continue;
    ctx.nested(buf.subarray(a.offset, a.offset + a.length), 'nrbf-bytes');
    left--;
  }
  return left;
}
