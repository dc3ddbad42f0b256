/**
 * Header look-ups on Node's flat rawHeaders list for route guards: every
 * value of a name (case-insensitive), so a guard can refuse a repeated header
 * instead of picking one the application might not pick.
 */

/** All values of header `lowerName`, in wire order (bounded by the list length). */
export function headerValues(rawHeaders: readonly string[], lowerName: string): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    if (name.length === lowerName.length && name.toLowerCase() === lowerName) out.push(rawHeaders[i + 1]!);
  }
  return out;
}

/** The raw query of a request target (after the first `?`), or null when there is none. */
export function rawQueryOf(target: string): string | null {
  const q = target.indexOf('?');
  if (q === -1) return null;
  const hash = target.indexOf('#', q + 1);
  return hash === -1 ? target.slice(q + 1) : target.slice(q + 1, hash);
}
