/**
 * Splits a .NET (assembly-qualified) type name into the type names it
 * mentions: the outer type, every generic argument at any depth (bracketed
 * `[[T, asm]]` or bare `[T]`), and the assembly names, without recursion
 * (an explicit stack of bracket levels, bounded depth and item counts).
 *
 *   System.Collections.Generic.SortedSet`1[[System.String, mscorlib]], System
 *   -> types: SortedSet`1, System.String   assemblies: mscorlib, System
 */

export const TYPENAME_MAX_CHARS = 4096;
export const TYPENAME_MAX_DEPTH = 32;
export const TYPENAME_MAX_ITEMS = 64;

export interface TypeNameParts {
  /** Type names as written (trimmed), outer first, then generic arguments in order. */
  readonly types: string[];
  readonly assemblies: string[];
  /** True when the name exceeded a limit (depth, items, length); parts are partial. */
  readonly overflow: boolean;
}

const TOP = 0;
const ARGS = 1; // `[` after a generic type: a list of arguments
const ARG = 2; // `[` inside ARGS: one bracketed argument with an optional assembly

function isSpaceChar(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/** Split an (assembly-qualified) type name; see the file comment. */
export function splitTypeName(
  input: string,
  maxDepth: number = TYPENAME_MAX_DEPTH,
  maxItems: number = TYPENAME_MAX_ITEMS,
): TypeNameParts {
  const types: string[] = [];
  const assemblies: string[] = [];
  let overflow = input.length > TYPENAME_MAX_CHARS;
  const s = overflow ? input.slice(0, TYPENAME_MAX_CHARS) : input;
  const n = s.length;
  const stack: number[] = [];
  let level = TOP;
  let expectName = true;
  let i = 0;
  // Every iteration advances `i` by at least one character.
  while (i < n) {
    if (types.length + assemblies.length >= maxItems) {
      overflow = true;
      break;
    }
    if (expectName) {
      expectName = false;
      const start = i;
      while (i < n) {
        const c = s.charCodeAt(i);
        if (c === 0x5b || c === 0x5d || c === 0x2c) break; // [ ] ,
        i++;
      }
      const name = s.slice(start, i).trim();
      if (name.length > 0) types.push(name);
      continue; // the delimiter (if any) is handled, and stepped over, below

    }
    const c = s.charCodeAt(i);
    if (c === 0x5b) {
      // `[`: array rank specifier (`[]`, `[,]`, `[*]`) or generic arguments.
      let j = i + 1;
      while (j < n && isSpaceChar(s.charCodeAt(j))) j++;
      const next = s.charCodeAt(j);
      if (j >= n || next === 0x5d || next === 0x2c || next === 0x2a) {
        const close = s.indexOf(']', j);
        i = close < 0 ? n : close + 1;
        continue;
      }
      if (stack.length >= maxDepth) {
        overflow = true;
        break;
      }
      stack.push(level);
      if (level === ARGS) {
        level = ARG;
        i += 1;
      } else {
        level = ARGS;
        i += 1;
        if (next === 0x5b) {
          if (stack.length >= maxDepth) {
            overflow = true;
            break;
          }
          stack.push(level);
          level = ARG;
          i = j + 1;
        }
      }
      expectName = true;
      continue;
    }
    if (c === 0x2c) {
      if (level === ARGS) {
        // next generic argument, bracketed or bare
        i += 1;
        while (i < n && isSpaceChar(s.charCodeAt(i))) i++;
        if (i < n && s.charCodeAt(i) === 0x5b) {
          if (stack.length >= maxDepth) {
            overflow = true;
            break;
          }
          stack.push(level);
          level = ARG;
          i += 1;
        }
        expectName = true;
        continue;
      }
      // assembly name: up to the closing bracket of this argument (or the end)
      const start = i + 1;
      let j = start;
      while (j < n && s.charCodeAt(j) !== 0x5d) j++;
      const asm = s.slice(start, j).trim();
      if (asm.length > 0) assemblies.push(asm);
      i = j;
      continue;
    }
    if (c === 0x5d) {
      level = stack.pop() ?? TOP;
      i += 1;
      continue;
    }
    i += 1; // `*`, `&`, spaces, stray characters after a name
  }
  return { types, assemblies, overflow };
}

/**
 * The comparable form of one type name: trimmed, without generic arity,
 * array/pointer suffixes, lower-case (nested `+` kept), and the
 * DataContractJsonSerializer form `Name:#Namespace` turned around.
 */
export function normalizeTypeName(raw: string): string {
  let t = raw.trim();
  const dcjs = t.indexOf(':#');
  if (dcjs > 0) t = `${t.slice(dcjs + 2)}.${t.slice(0, dcjs)}`;
  const tick = t.indexOf('`');
  if (tick >= 0) t = t.slice(0, tick);
  let end = t.length;
  while (end > 0) {
    const c = t.charCodeAt(end - 1);
    if (c === 0x2a || c === 0x26 || isSpaceChar(c)) end--; // * & space
    else break;
  }
  t = t.slice(0, end);
  return t.toLowerCase();
}
