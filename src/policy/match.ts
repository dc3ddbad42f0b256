/**
 * Route matching on host, method and path. Paths are compared after
 * normalisation (see normalizePath); a pattern without `*` is a prefix that
 * ends on a segment boundary (`/ml` matches `/ml` and `/ml/x`, not `/mlx`);
 * `*` matches within one segment and `**` across segments. No RegExp runs on
 * request data: the matchers below are small linear loops.
 */

export type PathMatcher = (path: string) => boolean;

export function compilePathPattern(pattern: string): PathMatcher {
  if (!pattern.includes('*')) {
    const prefix = pattern.endsWith('/') && pattern.length > 1 ? pattern.slice(0, -1) : pattern;
    if (prefix === '/' || prefix === '') return () => true;
    return (path) => path === prefix || (path.startsWith(prefix) && path.charCodeAt(prefix.length) === 0x2f);
  }
  const segments = pattern.split('/').slice(1);
  return (path) => globSegments(segments, path.split('/').slice(1));
}

/** Segment glob: `**` matches zero or more segments; `*` inside a segment matches any run of characters. */
function globSegments(pattern: readonly string[], path: readonly string[]): boolean {
  let p = 0;
  let s = 0;
  let starP = -1;
  let starS = 0;
  // Classic two-pointer wildcard matching over segments, with `**` as the star.
  while (s < path.length) {
    if (p < pattern.length && pattern[p] === '**') {
      starP = p++;
      starS = s;
    } else if (p < pattern.length && segmentMatch(pattern[p]!, path[s]!)) {
      p++;
      s++;
    } else if (starP !== -1) {
      p = starP + 1;
      s = ++starS;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === '**') p++;
  return p === pattern.length;
}

/** Wildcard match of one segment (`*` = any characters); linear two-pointer. */
function segmentMatch(pattern: string, text: string): boolean {
  let p = 0;
  let t = 0;
  let star = -1;
  let mark = 0;
  while (t < text.length) {
    if (p < pattern.length && pattern[p] !== '*' && pattern[p] === text[t]) {
      p++;
      t++;
    } else if (p < pattern.length && pattern[p] === '*') {
      star = p++;
      mark = t;
    } else if (star !== -1) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === '*') p++;
  return p === pattern.length;
}

export type HostMatcher = (host: string) => boolean;

export function compileHostPattern(pattern: string): HostMatcher {
  const p = pattern.toLowerCase();
  if (p.startsWith('*.')) {
    const suffix = p.slice(1);
    return (host) => host.endsWith(suffix) && host.length > suffix.length;
  }
  return (host) => host === p;
}

/** Host header value without port, lower-cased (IPv6 brackets kept). */
export function hostOnly(hostHeader: string | undefined): string {
  if (!hostHeader) return '';
  const h = hostHeader.toLowerCase();
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    return end === -1 ? h : h.slice(0, end + 1);
  }
  const colon = h.indexOf(':');
  return colon === -1 ? h : h.slice(0, colon);
}

const UNRESERVED = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~') UNRESERVED[c.charCodeAt(0)] = 1;

export type NormalizedPath = { ok: true; path: string } | { ok: false; reason: string };

/**
 * The path of a request target as routes see it: query removed, percent-encoded
 * unreserved characters decoded, repeated slashes kept as they are. Targets that
 * servers resolve differently are refused: dot segments (also encoded), encoded
 * slashes or backslashes, NUL and backslashes.
 */
export function normalizePath(target: string): NormalizedPath {
  const q = target.indexOf('?');
  const raw = q === -1 ? target : target.slice(0, q);
  if (!raw.startsWith('/')) return { ok: false, reason: 'request target is not origin-form' };
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c === 0x25) {
      const h = hexPair(raw, i + 1);
      if (h < 0) return { ok: false, reason: 'invalid percent-encoding in path' };
      if (h === 0x2f || h === 0x5c || h === 0) return { ok: false, reason: 'encoded slash, backslash or NUL in path' };
      if (h < 128 && UNRESERVED[h] === 1) out += String.fromCharCode(h);
      else out += raw.slice(i, i + 3).toUpperCase();
      i += 2;
    } else if (c === 0x5c) {
      return { ok: false, reason: 'backslash in path' };
    } else {
      out += raw[i];
    }
  }
  for (const seg of out.split('/')) {
    if (seg === '.' || seg === '..') return { ok: false, reason: 'dot segment in path' };
  }
  return { ok: true, path: out };
}

function hexPair(s: string, i: number): number {
  if (i + 1 >= s.length) return -1;
  const a = hexVal(s.charCodeAt(i));
  const b = hexVal(s.charCodeAt(i + 1));
  return a < 0 || b < 0 ? -1 : (a << 4) | b;
}

function hexVal(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}
