/**
 * Entity-expansion estimate for DW-XML-004, computed on the declaration graph
 * without expanding anything: size(e) = plain bytes of e + sum over its
 * references of count x size(referenced). Evaluated with an explicit stack
 * (no recursion), memoised, saturating at 2^50; a reference cycle is reported
 * as recursion. Also counts references to declared entities in the document
 * body (the quadratic blow-up: one large entity referenced many times).
 */
import { AMP, SEMI, asBuffer, latin1, nameEnd } from './bytes.js';

/** One internal entity: its own bytes and the entities it references (key: '&name' or '%name'). */
export interface EntityNode {
  readonly plain: number;
  readonly refs: readonly (readonly [string, number])[];
}

export interface ExpansionEstimate {
  /** Estimated replacement-text size of each entity, saturating. */
  readonly sizes: ReadonlyMap<string, number>;
  /** Largest estimated size of any entity. */
  readonly largest: number;
  readonly largestKey: string | null;
  /** An entity that (indirectly) references itself, if any. */
  readonly recursive: string | null;
  /** The walk stopped at maxSteps (sizes are lower bounds). */
  readonly truncated: boolean;
}

export const SIZE_CAP = 2 ** 50;

interface Frame {
  readonly key: string;
  readonly node: EntityNode;
  next: number;
  acc: number;
  readonly mult: number;
}

export function estimateExpansion(nodes: ReadonlyMap<string, EntityNode>, maxSteps: number): ExpansionEstimate {
  const sizes = new Map<string, number>();
  const onStack = new Set<string>();
  let recursive: string | null = null;
  let steps = 0;
  let truncated = false;
  outer: for (const [rootKey, rootNode] of nodes) {
    if (sizes.has(rootKey)) continue;
    const stack: Frame[] = [{ key: rootKey, node: rootNode, next: 0, acc: rootNode.plain, mult: 1 }];
    onStack.add(rootKey);
    while (stack.length > 0) {
      if (++steps > maxSteps) {
        truncated = true;
        break outer;
      }
      const top = stack[stack.length - 1]!;
      if (top.next < top.node.refs.length) {
        const [child, count] = top.node.refs[top.next++]!;
        const known = sizes.get(child);
        if (known !== undefined) {
          top.acc = Math.min(SIZE_CAP, top.acc + count * known);
          continue;
        }
        if (onStack.has(child)) {
          recursive ??= child;
          top.acc = SIZE_CAP;
          continue;
        }
        const childNode = nodes.get(child);
        if (!childNode) continue; // declared elsewhere (external DTD) or not at all: unknown size
        onStack.add(child);
        stack.push({ key: child, node: childNode, next: 0, acc: childNode.plain, mult: count });
        continue;
      }
      stack.pop();
      onStack.delete(top.key);
      sizes.set(top.key, top.acc);
      const parent = stack[stack.length - 1];
      if (parent) parent.acc = Math.min(SIZE_CAP, parent.acc + top.mult * top.acc);
    }
  }
  let largest = 0;
  let largestKey: string | null = null;
  for (const [k, v] of sizes) {
    if (v > largest) {
      largest = v;
      largestKey = k;
    }
  }
  return { sizes, largest, largestKey, recursive, truncated };
}

/**
 * Counts `&name;` references to the given general entities in `b[from..)`,
 * examining at most `maxRefs` ampersands. Keys are '&name'.
 */
export function countBodyReferences(
  b: Uint8Array,
  from: number,
  declared: ReadonlySet<string>,
  maxRefs: number,
  maxNameBytes: number,
): Map<string, number> {
  const counts = new Map<string, number>();
  if (declared.size === 0) return counts;
  const buf = asBuffer(b);
  let pos = buf.indexOf(AMP, Math.max(0, from));
  for (let k = 0; pos >= 0 && k < maxRefs; k++) {
    const ne = nameEnd(b, pos + 1, b.length);
    if (ne > pos + 1 && b[ne] === SEMI) {
      const key = '&' + latin1(b, pos + 1, ne, maxNameBytes);
      if (declared.has(key)) counts.set(key, (counts.get(key) ?? 0) + 1);
      pos = ne + 1;
    } else {
      pos++;
    }
    pos = pos < b.length ? buf.indexOf(AMP, pos) : -1;
  }
  return counts;
}
