/**
 * Alignment-safe base64 anchors of `AC ED 00 05` for the engine's base64
 * layer (research notes §1.8). Base64 turns 3 bytes into 4 characters, so
 * the characters at the edges of the magic depend on the neighbouring bytes;
 * only the fully determined characters (plus a class for the edge) are safe:
 *   offset 0 mod 3: `rO0AB`
 *   offset 1 mod 3: `[Kaq6]ztAA[U-X]`
 *   offset 2 mod 3: `[CGKOSWaeimquy26+-]s7QAF` (`-` for base64url)
 * CRS 944210's `rO0ABQ|KztAAU|Cs7QAF` misses real streams.
 */

/** The anchors as patterns (documentation, RE2-compatible). */
export const JAVA_B64_ANCHOR_PATTERNS: readonly string[] = Object.freeze(['rO0AB', '[Kaq6]ztAA[U-X]', '[CGKOSWaeimquy26+-]s7QAF']);

function expand(prefixes: string, middle: string, suffixes: string): string[] {
  const out: string[] = [];
  for (const p of prefixes.length > 0 ? prefixes : ' ') {
    for (const s of suffixes.length > 0 ? suffixes : ' ') out.push(`${p.trim()}${middle}${s.trim()}`);
  }
  return out;
}

/** Every anchor spelled out as a literal (35 strings) for a literal matcher. */
export const JAVA_B64_ANCHORS: readonly string[] = Object.freeze([
  'rO0AB',
  ...expand('Kaq6', 'ztAA', 'UVWX'),
  ...expand('CGKOSWaeimquy26+-', 's7QAF', ''),
]);
