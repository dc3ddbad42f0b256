/**
 * Collects the findings of one layer: de-duplicates by rule and offset, caps
 * the count per rule (so a flood of one kind cannot crowd out another) and in
 * total, and fills severity and kind from the rule table.
 */
import type { ReportedFinding } from '../detector.js';
import type { XmlRule } from './rules.js';

const MAX_EXCERPT = 64;

export class FindingList {
  readonly items: ReportedFinding[] = [];
  private readonly seen = new Set<string>();
  private readonly perRule = new Map<string, number>();

  constructor(
    private readonly max: number,
    private readonly maxPerRule = 4,
  ) {}

  add(rule: XmlRule, offset: number, length: number, message: string, kind = rule.kind, limit?: string): void {
    if (this.items.length >= this.max) return;
    const key = `${rule.id}@${offset}`;
    if (this.seen.has(key)) return;
    const count = this.perRule.get(rule.id) ?? 0;
    if (count >= this.maxPerRule) return;
    this.perRule.set(rule.id, count + 1);
    this.seen.add(key);
    this.items.push({
      rule: rule.id,
      offset,
      length: Math.max(1, Math.min(MAX_EXCERPT, length)),
      message,
      severity: rule.severity,
      kind,
      ...(limit ? { limit } : {}),
    });
  }

  has(ruleId: string): boolean {
    return this.items.some((f) => f.rule === ruleId);
  }
}
