/**
 * Log4Shell (CVE-2021-44228): does the text after a `${` resolve to a
 * `jndi:` lookup once Log4j2's nested lookups are applied? Handles the usual
 * obfuscations (`${${lower:j}ndi:`, `${${::-j}${::-n}di:`, `${${env:X:-j}ndi`,
 * `${${upper:J}NDI`, `${${date:'j'}ndi`). Bounded window, explicit stack.
 */

export const LOG4J_WINDOW = 512;
const MAX_NESTING = 32;

export interface Log4jHit {
  /** The resolved lookup text, capped (e.g. `jndi:ldap://host/a`); request data, keep out of messages. */
  readonly lookup: string;
  /** The JNDI scheme (`ldap`, `rmi`, `dns` ...): lower-case letters only, at most 8, or ''. */
  readonly scheme: string;
}

/** `at` is the offset of the `$` of `${`. */
export function log4jJndiAt(bytes: Uint8Array, at: number, window = LOG4J_WINDOW): Log4jHit | null {
  if (bytes[at] !== 0x24 || bytes[at + 1] !== 0x7b) return null;
  const end = Math.min(bytes.length, at + window);
  const stack: string[] = [];
  let i = at;
  while (i < end) {
    const c = bytes[i] as number;
    if (c === 0x24 && bytes[i + 1] === 0x7b) {
      if (stack.length >= MAX_NESTING) return null;
      stack.push('');
      i += 2;
      continue;
    }
    if (stack.length === 0) return null;
    if (c === 0x7d) {
      const text = stack.pop() as string;
      if (isJndi(text)) return hitOf(text);
      if (stack.length === 0) return null;
      stack[stack.length - 1] += resolve(text);
      i++;
      continue;
    }
    stack[stack.length - 1] += String.fromCharCode(c);
    i++;
  }
  const outer = stack[0];
  return outer !== undefined && isJndi(outer) ? hitOf(outer) : null;
}

function hitOf(text: string): Log4jHit {
  const t = text.trimStart().slice(5).toLowerCase();
  let scheme = '';
  for (let i = 0; i < t.length && i < 8; i++) {
    const c = t.charCodeAt(i);
    if (c < 0x61 || c > 0x7a) break;
    scheme += t[i];
  }
  return { lookup: text.slice(0, 128), scheme };
}

function isJndi(s: string): boolean {
  const t = s.trimStart();
  return t.length >= 5 && t.slice(0, 5).toLowerCase() === 'jndi:';
}

/** The value a nested lookup contributes. */
function resolve(inner: string): string {
  const dflt = inner.indexOf(':-');
  if (dflt >= 0) return inner.slice(dflt + 2);
  const colon = inner.indexOf(':');
  if (colon < 0) return '';
  const prefix = inner.slice(0, colon).toLowerCase();
  const arg = inner.slice(colon + 1);
  if (prefix === 'lower') return arg.toLowerCase();
  if (prefix === 'upper') return arg.toUpperCase();
  if (prefix === 'date') return arg.split("'").join('');
  return '';
}
