/**
 * Extraction of zip entries: stored entries are views, deflated entries are
 * inflated with an exact output cap (the declared size), after the entry,
 * total and ratio limits were checked on the declared sizes; CRC-32 and
 * sizes are verified and every disagreement becomes an anomaly.
 */
import { crc32 } from './crc32.js';
import { inflateRawCapped, isDecodeError, partialOutput } from './node-zlib.js';
import type { ZipLimits } from './zip-limits.js';
import type { Collector, ZipEntry } from './zip-report.js';

/** Fill `data` of each readable entry; stops at the first limit. */
export function extractAll(buf: Uint8Array, entries: ZipEntry[], limits: ZipLimits, c: Collector): void {
  let total = 0;
  for (const en of entries) {
    // Encryption flags are already anomalies; PyTorch ignores them and reads plain data, so extract anyway.
    if (en.method !== 0 && en.method !== 8) continue;
    const data = buf.subarray(en.dataOffset, en.dataOffset + en.compressedSize);
    let out: Uint8Array;
    if (en.method === 0) {
      if (en.compressedSize !== en.uncompressedSize) {
        c.add('size-mismatch', `stored entry ${en.name} has different compressed and uncompressed sizes`, en.localOffset);
      }
      out = data;
    } else {
      const declared = en.uncompressedSize;
      if (declared > limits.maxEntryBytes) {
        c.hit('containers.zipMaxEntryBytes', `entry ${en.name} declares ${declared} bytes`, en.localOffset);
        return;
      }
      if (total + declared > limits.maxTotalBytes) {
        c.hit('containers.zipMaxTotalBytes', 'archive inflates past the total size limit', en.localOffset);
        return;
      }
      if (declared > Math.max(limits.ratioGraceBytes, limits.maxRatio * en.compressedSize)) {
        c.hit('containers.zipMaxRatio', `entry ${en.name} declares a compression ratio above ${limits.maxRatio}`, en.localOffset);
        return;
      }
      const r = inflateRawCapped(data, declared);
      if (isDecodeError(r)) {
        if (r.kind === 'limit') c.add('size-mismatch', `entry ${en.name} inflates to more than its declared size`, en.localOffset);
        else c.add('inflate', `entry ${en.name}: ${r.reason}`, en.localOffset);
        // What a streaming loader would already have consumed is still worth inspecting.
        const tail = partialOutput(r);
        if (tail) en.data = tail;
        continue;
      }
      if (r.output.length !== declared) c.add('size-mismatch', `entry ${en.name} inflates to ${r.output.length} bytes, not the declared ${declared}`, en.localOffset);
      if (r.consumed !== en.compressedSize) c.add('size-mismatch', `entry ${en.name} deflate data ends before its compressed size`, en.localOffset);
      total += r.output.length;
      out = r.output;
    }
    if (crc32(out) !== en.crc) c.add('crc', `entry ${en.name} CRC-32 mismatch`, en.localOffset);
    en.data = out;
  }
}
