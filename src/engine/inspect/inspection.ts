/**
 * One request's inspection: a work list of layers processed iteratively (no
 * recursion over attacker data), a budget, and the findings so far.
 *
 * Per layer: the automaton scans it once; trigger hits go to their structural
 * detectors, literal and RE2 signatures report directly, structured views
 * (JSON, urlencoded, multipart, XML) split it into child layers, and decoders
 * (base64, hex, percent, backslash escapes, character references) add decoded
 * child layers up to the decode-depth limit.
 */
import type { CompiledEngine } from '../compiled.js';
import type { DetectorContext, FamilyAction, NestedOptions, ReportedFinding, TriggerHit } from '../detectors/detector.js';
import type { AttackFamily, Finding, FindingKind, Severity } from '../types.js';
import type { CompiledPolicy } from '../../policy/types.js';
import { escapeBytes } from '../../observe/escape.js';
import { Budget } from './budget.js';
import type { Hit, LayerTask } from './layer.js';
import { applyDecoders } from './decoders.js';
import { findRuns } from '../decode/runs.js';
import { applyViews, type Span, type ViewOutcome } from './views.js';

/** Most findings recorded per request; more add nothing to the verdict. */
export const MAX_FINDINGS = 64;
/** Most structured views nested inside each other (JSON in a string in a form field ...). */
export const MAX_VIEW_NESTING = 8;

export class Inspection {
  readonly findings: Finding[] = [];
  readonly budget: Budget;
  private readonly stack: LayerTask[] = [];
  private readonly seen = new Set<string>();
  inspectedBytes = 0;
  private bytesSinceCheck = 0;
  private stopped = false;
  private depthRefused = false;

  constructor(
    readonly engine: CompiledEngine,
    readonly policy: CompiledPolicy,
  ) {
    this.budget = new Budget(policy.limits);
  }

  /** Queue a layer. */
  add(task: LayerTask): void {
    this.stack.push(task);
  }

  /** Process queued layers until none is left or the inspection stops. */
  run(): void {
    this.budget.begin();
    try {
      this.drain();
    } finally {
      this.budget.pause();
    }
  }

  private drain(): void {
    let sinceCheck = 0;
    while (this.stack.length > 0 && !this.stopped) {
      // Reading the clock costs more than a small layer: check every 16 layers or 256 KiB.
      if (sinceCheck >= 16 || this.bytesSinceCheck >= 262144) {
        sinceCheck = 0;
        this.bytesSinceCheck = 0;
        if (this.budget.timeUp()) {
          this.exhausted();
          break;
        }
      }
      sinceCheck++;
      this.process(this.stack.pop()!);
    }
    if (this.budget.exhaustedBy) this.exhausted();
  }

  /**
   * Add a decoded child layer, charging its size to the budget. Returns false
   * (and records the limit) when it does not fit.
   */
  addDecoded(parent: LayerTask, bytes: Uint8Array, label: string, options: NestedOptions & { producedBy?: string } = {}): boolean {
    if (bytes.length === 0) return true;
    const decoder = options.decoder !== false;
    if (decoder && parent.depth >= this.policy.limits.maxDecodeDepth) return true;
    if (!this.budget.takeDecoded(bytes.length)) {
      this.exhausted();
      return false;
    }
    this.add({
      bytes,
      location: `${parent.location}>${label}`,
      depth: parent.depth + (decoder ? 1 : 0),
      views: parent.views,
      isValue: options.isValue ?? parent.isValue,
      ...(options.contentType !== undefined ? { contentType: options.contentType } : {}),
      ...(options.filename !== undefined ? { filename: options.filename } : {}),
      ...(parent.param !== undefined ? { param: parent.param } : {}),
      ...(options.producedBy !== undefined ? { producedBy: options.producedBy } : {}),
    });
    return true;
  }

  /** Record a finding (deduplicated by rule, location and offset). */
  record(f: Finding): void {
    if (this.findings.length >= MAX_FINDINGS) {
      this.stopped = true;
      return;
    }
    const key = `${f.rule}\0${f.location}\0${f.offset}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.findings.push(f);
  }

  /** Record a finding reported in a layer, looking up the rule's metadata. */
  reportIn(task: LayerTask, family: AttackFamily | 'protocol' | 'limit', r: ReportedFinding, span?: Span): void {
    const meta = this.engine.rules.get(r.rule);
    const length = r.length ?? 32;
    const bytes = task.bytes;
    const param = span?.param ?? task.param;
    this.record({
      rule: r.rule,
      family: meta?.family ?? family,
      severity: r.severity ?? meta?.severity ?? 'high',
      kind: r.kind ?? meta?.kind ?? 'attack',
      location: span ? `${task.location}>${span.label}` : task.location,
      offset: span ? r.offset - span.start : r.offset,
      excerpt: escapeBytes(bytes, r.offset, r.offset + Math.min(Math.max(length, 1), 64)),
      message: r.message,
      ...(r.limit !== undefined ? { limit: r.limit } : {}),
      ...(param !== undefined ? { param } : {}),
    });
  }

  /** A refusal that is not tied to a layer offset (limits, malformed framing of a view). */
  refusal(task: LayerTask, rule: string, kind: FindingKind, message: string, offset: number, limit?: string, severity: Severity = 'medium'): void {
    this.reportIn(task, kind === 'limit' ? 'limit' : 'protocol', { rule, offset, length: 16, message, kind, severity, ...(limit ? { limit } : {}) });
  }

  private exhausted(): void {
    if (this.stopped) return;
    const limit = this.budget.exhaustedBy ?? 'inspectionBudgetMs';
    this.record({
      rule: 'DW-LIMIT-INSPECTION',
      family: 'limit',
      severity: 'medium',
      kind: 'limit',
      location: 'request',
      offset: 0,
      excerpt: '',
      message: `inspection budget exhausted (${limit}); refusing rather than forwarding uninspected data`,
      limit,
    });
    this.stopped = true;
  }

  private process(task: LayerTask): void {
    const bytes = task.bytes;
    if (bytes.length === 0) return;
    this.inspectedBytes += bytes.length;
    this.bytesSinceCheck += bytes.length;
    const { ac, roles, detectors } = this.engine;

    // 1. One automaton pass (the top-level body was scanned while streaming).
    let hits: readonly Hit[];
    if (task.hits) hits = task.hits;
    else {
      const found: Hit[] = [];
      ac.scan(bytes, (id, start) => {
        found.push({ id, start });
      });
      hits = found;
    }

    // 2. Text runs (base64/hex candidates), then structured views, so that findings in plain JSON
    //    strings and form fields are attributed to their parameter.
    const decodeMore = task.depth < this.policy.limits.maxDecodeDepth;
    const runs = decodeMore ? findRuns(bytes) : [];
    const view: ViewOutcome = task.views < MAX_VIEW_NESTING ? applyViews(this, task, hits, runs) : { kind: null, ok: false, spans: [] };
    const spans = view.spans;

    // 3. Route hits.
    let perDetector: TriggerHit[][] | null = null;
    const anchorHits: Hit[] = [];
    for (const h of hits) {
      const role = roles[h.id]!;
      if ('exact' in role && role.exact !== null && !matchesAt(bytes, h.start, role.exact)) continue;
      switch (role.role) {
        case 'trigger': {
          perDetector ??= detectors.map(() => []);
          perDetector[role.detector]!.push({ trigger: role.trigger, offset: h.start });
          break;
        }
        case 'rule':
          this.reportIn(task, role.rule.family as AttackFamily, { rule: role.rule.id, offset: h.start, length: role.exact?.length ?? 32, message: role.rule.description }, spanAt(spans, h.start));
          break;
        case 're2': {
          const r = role.rule;
          if (r.matcher.type !== 're2') break;
          const end = Math.min(bytes.length, h.start + r.matcher.window);
          const window = Buffer.from(bytes.buffer, bytes.byteOffset + h.start, end - h.start).toString('latin1');
          if (r.matcher.pattern.test(window)) {
            this.reportIn(task, r.family as AttackFamily, { rule: r.id, offset: h.start, length: Math.min(64, end - h.start), message: r.description }, spanAt(spans, h.start));
          }
          break;
        }
        case 'anchor':
          anchorHits.push(h);
          break;
      }
    }

    // 4. Structural detectors.
    const run = (di: number, list: readonly TriggerHit[]) => {
      const d = detectors[di]!;
      if (!d.extracts && this.policy.actions[d.family] === 'allow') return;
      const ctx = this.contextFor(task, d.family, spans);
      try {
        d.inspect(bytes, list, layerInfo(task), ctx);
      } catch (err) {
        // A detector fault never lets the request through: fail closed with its own rule.
        this.reportIn(task, d.family, { rule: 'DW-ENGINE-001', offset: list[0]?.offset ?? 0, message: `detector ${d.name} failed: ${(err as Error).message}`.slice(0, 200), kind: 'error', severity: 'high' });
      }
    };
    if (perDetector) {
      for (let di = 0; di < perDetector.length; di++) {
        const list = perDetector[di]!;
        if (list.length > 0) {
          list.sort((a, b) => a.offset - b.offset);
          run(di, list);
        }
      }
    }
    const decoded = task.producedBy === 'base64' || task.producedBy === 'hex';
    if (this.engine.everyLayerStart[bytes[0]!] === 1 || decoded) {
      for (const di of this.engine.everyLayer) {
        const d = detectors[di]!;
        const sb = d.startBytes;
        if (sb === undefined || sb.includes(bytes[0]!) || (decoded && d.decodedAnyStart === true)) run(di, []);
      }
    }

    // 5. Decoders.
    if (decodeMore) applyDecoders(this, task, runs, anchorHits, spans, view);
    else if (!this.depthRefused && anchorHits.length > 0 && anchorInRun(bytes, anchorHits)) {
      // A serialized object's base64/hex anchor one layer deeper than the policy decodes: refuse it
      // (maxDecodeDepth) rather than pass it uninspected. Other layers are still inspected, so a
      // finding another decoding path reaches is reported too.
      this.depthRefused = true;
      this.refusal(task, 'DW-LIMIT-INSPECTION', 'limit', `encoded object nested deeper than maxDecodeDepth (${this.policy.limits.maxDecodeDepth}); refusing rather than forwarding it uninspected`, anchorHits[0]!.start, 'maxDecodeDepth');
    }
  }

  private contextFor(task: LayerTask, family: AttackFamily, spans: readonly Span[]): DetectorContext {
    return {
      report: (r) => this.reportIn(task, family, r, spanAt(spans, r.offset)),
      nested: (bytes, label, options) => {
        this.addDecoded(task, bytes, label, options);
      },
      action: (f): FamilyAction => this.policy.actions[f],
      settings: <T>(f: AttackFamily) => this.policy.settings.get(f) as T | undefined,
      exhausted: () => this.stopped || this.budget.timeUp(),
    };
  }
}

function layerInfo(task: LayerTask) {
  return {
    location: task.location,
    depth: task.depth,
    isValue: task.isValue,
    ...(task.contentType !== undefined ? { contentType: task.contentType } : {}),
    ...(task.filename !== undefined ? { filename: task.filename } : {}),
    ...(task.charset !== undefined ? { charset: task.charset } : {}),
  };
}

export function matchesAt(bytes: Uint8Array, at: number, lit: Uint8Array): boolean {
  if (at < 0 || at + lit.length > bytes.length) return false;
  for (let i = 0; i < lit.length; i++) if (bytes[at + i] !== lit[i]) return false;
  return true;
}

/** The span (plain JSON string, form value) containing `offset`, by binary search. */
export function spanAt(spans: readonly Span[], offset: number): Span | undefined {
  let lo = 0;
  let hi = spans.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = spans[mid]!;
    if (offset < s.start) hi = mid - 1;
    else if (offset >= s.end) lo = mid + 1;
    else return s;
  }
  return undefined;
}

/** True when an anchor hit sits inside a base64/hex run (so that the run would decode to an object). */
function anchorInRun(bytes: Uint8Array, anchorHits: readonly Hit[]): boolean {
  const runs = findRuns(bytes);
  let r = 0;
  for (const h of [...anchorHits].sort((a, b) => a.start - b.start)) {
    while (r < runs.length && runs[r]!.end <= h.start) r++;
    if (r < runs.length && runs[r]!.start <= h.start) return true;
  }
  return false;
}
