/**
 * The .NET type judge: is a type name (as found in `$type`, `__type`,
 * `z:Type`, an XmlSerializer `type=` attribute, an NRBF class record ...) a
 * known deserialization gadget? Handles assembly-qualified names in any
 * spacing/casing, partial names, generic arguments at any depth, nested `+`
 * types and the DataContractJsonSerializer `Name:#Namespace` form. The
 * assembly part is ignored on purpose (ysoserial.net spoofs it).
 */
import { DOTNET_GADGETS, type GadgetEntry } from './gadgets.js';
import { DOTNET_RULES } from './rules.js';
import { normalizeTypeName, splitTypeName } from './typename.js';

export interface GadgetVerdict {
  /** Rule id to report (the caller's context decides; default DW-DOTNET-004). */
  readonly rule: string;
  /** Why the type is dangerous, e.g. `calls an arbitrary method` (never echoes the input). */
  readonly reason: string;
  /** Canonical name of the matched deny-list entry. */
  readonly gadget: string;
}

/** `.NET gadget type <canonical name> (<why>)`, for finding messages. */
export function describeGadget(v: GadgetVerdict): string {
  return `.NET gadget type ${v.gadget} (${v.reason})`;
}

const byFullName = new Map<string, GadgetEntry>();
const bySimpleName = new Map<string, GadgetEntry>();
for (const entry of DOTNET_GADGETS) {
  const norm = normalizeTypeName(entry.name).replaceAll('+', '.');
  byFullName.set(norm, entry);
  if (entry.distinctive) bySimpleName.set(norm.slice(norm.lastIndexOf('.') + 1), entry);
}

/** Simple names of the distinctive gadgets (lower-case), e.g. for text triggers. */
export const DISTINCTIVE_GADGET_NAMES: readonly string[] = [...bySimpleName.keys()];

/**
 * Lower-case literals that cover every deny-list entry in text: the simple
 * name of distinctive entries, the full name (up to a nested `+`) of the rest.
 */
export const GADGET_TRIGGER_NAMES: readonly string[] = DOTNET_GADGETS.map((entry) => {
  const norm = normalizeTypeName(entry.name);
  if (entry.distinctive) return norm.slice(norm.lastIndexOf('.') + 1);
  const plus = norm.indexOf('+');
  return plus >= 0 ? norm.slice(0, plus) : norm;
});

/** Deny-list lookup for one normalised (see `normalizeTypeName`) type name. */
export function lookupGadget(norm: string): GadgetEntry | undefined {
  if (norm.length === 0) return undefined;
  const dotted = norm.replaceAll('+', '.');
  const exact = byFullName.get(dotted);
  if (exact) return exact;
  // a nested type of a denied type (`AxHost+State` written as `AxHost.State`, `Selector+ObjectSurrogate`)
  let dot = dotted.lastIndexOf('.');
  let guard = 0;
  while (dot > 0 && guard++ < 64) {
    const hit = byFullName.get(dotted.slice(0, dot));
    if (hit) return hit;
    dot = dotted.lastIndexOf('.', dot - 1);
  }
  // distinctive simple names in any namespace: the type itself or an enclosing type (`A+B`)
  const simple = norm.slice(norm.lastIndexOf('.') + 1);
  for (const part of simple.split('+', 16)) {
    const hit = bySimpleName.get(part);
    if (hit) return hit;
  }
  return undefined;
}

/**
 * Judge a (possibly assembly-qualified, possibly generic) .NET type name.
 * Returns null for anything not on the gadget list (application DTOs,
 * `List`1[[MyShop.Item, MyShop]]`, primitives, `xsd:string` ...).
 */
export function dotnetGadgetType(typeName: string, rule: string = DOTNET_RULES.jsonTypeKey): GadgetVerdict | null {
  const parts = splitTypeName(typeName);
  for (const raw of parts.types) {
    const entry = lookupGadget(normalizeTypeName(raw));
    if (entry) {
      return { rule, gadget: entry.name, reason: entry.why };
    }
  }
  return null;
}
