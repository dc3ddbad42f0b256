/**
 * Is a layer text? Counts C0 control bytes other than TAB/LF/CR/FF and DEL in
 * a bounded sample (the first 8 KiB plus 8 KiB spread across the rest):
 * text has practically none, binary formats and random data have about one in
 * eight. Bytes >= 0x80 count as text (UTF-8 and legacy encodings).
 */

const CONTROL = new Uint8Array(256);
for (let b = 0; b < 0x20; b++) CONTROL[b] = 1;
CONTROL[0x09] = 0;
CONTROL[0x0a] = 0;
CONTROL[0x0c] = 0;
CONTROL[0x0d] = 0;
CONTROL[0x7f] = 1;

const HEAD = 8192;
const SAMPLES = 64;
const SAMPLE_LEN = 128;

export function isTextLike(bytes: Uint8Array): boolean {
  const n = bytes.length;
  let controls = 0;
  let seen = 0;
  const head = Math.min(n, HEAD);
  for (let i = 0; i < head; i++) controls += CONTROL[bytes[i]!]!;
  seen += head;
  if (n > HEAD + SAMPLES * SAMPLE_LEN) {
    const step = Math.floor((n - HEAD) / SAMPLES);
    for (let k = 0; k < SAMPLES; k++) {
      const from = HEAD + k * step;
      for (let i = from; i < from + SAMPLE_LEN; i++) controls += CONTROL[bytes[i]!]!;
      seen += SAMPLE_LEN;
    }
  }
  // At most 1 in 100 sampled bytes may be a control byte.
  return controls * 100 <= seen;
}
