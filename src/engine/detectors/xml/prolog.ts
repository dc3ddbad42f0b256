/**
 * Decides whether an offset is in the prolog of a layer: reachable from the
 * start by skipping only a UTF-8 BOM, whitespace, the XML declaration, PIs and
 * comments (bounded by `maxItems`). A DOCTYPE in the prolog is one a parser
 * will honour; a second DOCTYPE after it is a malformed document.
 */
import { BANG, DASH, LT, QMARK, asBuffer, skipSpace } from './bytes.js';

export function inProlog(b: Uint8Array, offset: number, maxItems: number): boolean {
  const buf = asBuffer(b);
  let p = b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? 3 : 0;
  for (let k = 0; k <= maxItems; k++) {
    p = skipSpace(b, p, offset);
    if (p === offset) return true;
    if (b[p] !== LT) return false;
    let close: number;
    if (b[p + 1] === QMARK) {
      close = buf.indexOf('?>', p + 2, 'latin1');
      if (close < 0 || close >= offset) return false;
      p = close + 2;
    } else if (b[p + 1] === BANG && b[p + 2] === DASH && b[p + 3] === DASH) {
      close = buf.indexOf('-->', p + 4, 'latin1');
      if (close < 0 || close >= offset) return false;
      p = close + 3;
    } else {
      return false;
    }
  }
  return false;
}
