/**
 * `looksLikeMultipart`: does a body start like multipart/form-data
 * (`--` + 1-70 RFC 2046 bchars + CRLF)? Returns the boundary it would use.
 *
 * For body sniffing when the declared Content-Type says something else
 * (WAFFLED: frameworks parse multipart and urlencoded interchangeably): the
 * engine can then also run the multipart view with the sniffed boundary, or
 * refuse the mismatch by route policy. Only the first 74 bytes are read.
 */
import { BCHAR } from './chars.js';
import { MAX_BOUNDARY_LENGTH } from './multipart.js';

export function looksLikeMultipart(firstBytes: Uint8Array): string | undefined {
  if (firstBytes.length < 5 || firstBytes[0] !== 0x2d || firstBytes[1] !== 0x2d) return undefined;
  const limit = Math.min(firstBytes.length, 2 + MAX_BOUNDARY_LENGTH + 2);
  let i = 2;
  while (i < limit && BCHAR[firstBytes[i] as number] === 1) i++;
  const len = i - 2;
  if (len === 0 || len > MAX_BOUNDARY_LENGTH || firstBytes[i - 1] === 0x20) return undefined;
  if (i + 1 >= firstBytes.length) return undefined;
  if (firstBytes[i] !== 0x0d || firstBytes[i + 1] !== 0x0a) return undefined;
  return Buffer.from(firstBytes.buffer, firstBytes.byteOffset + 2, len).toString('latin1');
}
