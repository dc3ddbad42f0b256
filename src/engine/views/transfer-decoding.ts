/**
 * Streaming Content-Transfer-Encoding decoders for multipart parts
 * (RFC 2045 §6.7 quoted-printable, §6.8 base64). Part bodies in these
 * encodings are a known WAF evasion, so the multipart view decodes them and
 * the engine scans the decoded bytes.
 *
 * Strict: base64 allows only the alphabet, CR/LF line breaks and final `=`
 * padding (data after padding is refused: decoders disagree on it); an
 * unpadded final quantum of 2-3 characters is decoded. Quoted-printable allows
 * `=XX` (either hex case) and `=` CRLF soft breaks; any other `=` is refused.
 * Output produced before an error is emitted first, so results do not depend
 * on how the input was split. Memory: one output buffer per write call.
 */

export interface TransferDecoder {
  /**
   * Decode one chunk, calling `emit` with decoded bytes (valid only during
   * the call). Returns -1, or the index in `chunk` of the first invalid byte.
   */
  write(chunk: Uint8Array, emit: (bytes: Uint8Array) => void): number;
  /** End of the encoded data: returns false when it stops in the middle of a unit. */
  end(emit: (bytes: Uint8Array) => void): boolean;
}

const B64 = (() => {
  const t = new Int8Array(256).fill(-1);
  const abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  for (let i = 0; i < 64; i++) t[abc.charCodeAt(i)] = i;
  return t;
})();

const CR = 0x0d;
const LF = 0x0a;
const EQ = 0x3d;

export class Base64Decoder implements TransferDecoder {
  private acc = 0;
  private count = 0; // sextets in acc (0-3)
  private pad = 0; // '=' seen
  private done = false; // padding complete: only line breaks may follow

  write(chunk: Uint8Array, emit: (bytes: Uint8Array) => void): number {
    const out = new Uint8Array(((chunk.length + 3) >> 2) * 3 + 3);
    let o = 0;
    let bad = -1;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i] as number;
      if (c === CR || c === LF) continue;
      if (this.done) {
        bad = i;
        break;
      }
      if (c === EQ) {
        // Padding is valid after 2 or 3 sextets of a quantum.
        if (this.pad === 0 && this.count < 2) {
          bad = i;
          break;
        }
        this.pad++;
        if (this.count + this.pad === 4) o = this.finishPadded(out, o);
        else if (this.count + this.pad > 4) {
          bad = i;
          break;
        }
        continue;
      }
      const v = B64[c] as number;
      if (v < 0 || this.pad > 0) {
        bad = i;
        break;
      }
      this.acc = (this.acc << 6) | v;
      if (++this.count === 4) {
        const a = this.acc;
        out[o++] = (a >> 16) & 0xff;
        out[o++] = (a >> 8) & 0xff;
        out[o++] = a & 0xff;
        this.acc = 0;
        this.count = 0;
      }
    }
    if (o > 0) emit(out.subarray(0, o));
    return bad;
  }

  /** Write the bytes of a final 2- or 3-sextet quantum; returns the new output index. */
  private finishPadded(out: Uint8Array, o: number): number {
    const a = this.acc;
    if (this.count === 2) {
      out[o++] = (a >> 4) & 0xff;
    } else {
      out[o++] = (a >> 10) & 0xff;
      out[o++] = (a >> 2) & 0xff;
    }
    this.acc = 0;
    this.count = 0;
    this.done = true;
    return o;
  }

  end(emit: (bytes: Uint8Array) => void): boolean {
    if (this.done) return true;
    if (this.pad > 0 || this.count === 1) return false;
    if (this.count === 0) return true;
    const out = new Uint8Array(2);
    const o = this.finishPadded(out, 0);
    emit(out.subarray(0, o));
    return true;
  }
}

const HEX = (() => {
  const t = new Int8Array(256).fill(-1);
  for (let i = 0; i < 10; i++) t[0x30 + i] = i;
  for (let i = 0; i < 6; i++) {
    t[0x41 + i] = 10 + i;
    t[0x61 + i] = 10 + i;
  }
  return t;
})();

// Quoted-printable states.
const Q_TEXT = 0;
const Q_EQ = 1; // after '='
const Q_HEX = 2; // after '=' and one hex digit
const Q_SOFT = 3; // after '=' CR

export class QuotedPrintableDecoder implements TransferDecoder {
  private state = Q_TEXT;
  private hi = 0;

  write(chunk: Uint8Array, emit: (bytes: Uint8Array) => void): number {
    const out = new Uint8Array(chunk.length);
    let o = 0;
    let bad = -1;
    let i = 0;
    const n = chunk.length;
    while (i < n) {
      if (this.state === Q_TEXT) {
        let j = i;
        while (j < n && chunk[j] !== EQ) j++;
        if (j > i) {
          out.set(chunk.subarray(i, j), o);
          o += j - i;
        }
        if (j >= n) break;
        this.state = Q_EQ;
        i = j + 1;
        continue;
      }
      const c = chunk[i] as number;
      if (this.state === Q_EQ) {
        if (c === CR) this.state = Q_SOFT;
        else {
          const v = HEX[c] as number;
          if (v < 0) {
            bad = i;
            break;
          }
          this.hi = v;
          this.state = Q_HEX;
        }
      } else if (this.state === Q_HEX) {
        const v = HEX[c] as number;
        if (v < 0) {
          bad = i;
          break;
        }
        out[o++] = (this.hi << 4) | v;
        this.state = Q_TEXT;
      } else {
        // Q_SOFT: '=' CR must be followed by LF.
        if (c !== LF) {
          bad = i;
          break;
        }
        this.state = Q_TEXT;
      }
      i++;
    }
    if (o > 0) emit(out.subarray(0, o));
    return bad;
  }

  end(): boolean {
    return this.state === Q_TEXT;
  }
}
