import { DoormanError } from '../errors.js';

/**
 * A rule over many numbers, for either list: `prefix` (`+1900`: a country, an area code),
 * `range` (`+1555010-+1555019`: numbers whose first digits fall between two bounds of one
 * length), or `neighbour` (`7`: the caller's first 7 digits, country code included, are the
 * number called's, as spoofed "local" robocalls are).
 */
export interface NumberRule {
  id: string;
  list: 'allow' | 'block';
  kind: 'prefix' | 'range' | 'neighbour';
  pattern: string;
  /** Where the rule sends its callers; null: the route's own (blocked, or unknown). */
  destination: string | null;
}

export class NumberRuleError extends DoormanError {
  constructor(pattern: string, problem: string) {
    super('NUMBER_RULE_INVALID', `number rule "${pattern.slice(0, 40)}": ${problem}`, {
      pattern: pattern.slice(0, 80),
    });
  }
}

const E164_PREFIX = /^\+[0-9]{1,15}$/;

/** The digits a rule compares, after the `+`: `[from, to]` of one length. Throws on a bad pattern. */
function bounds(rule: Pick<NumberRule, 'kind' | 'pattern'>): [string, string] {
  const p = rule.pattern.trim();
  if (rule.kind === 'prefix') {
    if (!E164_PREFIX.test(p)) throw new NumberRuleError(p, 'a prefix is + and 1 to 15 digits (+1900, +44)');
    return [p.slice(1), p.slice(1)];
  }
  const [from = '', to = '', ...rest] = p.split('-').map((x) => x.trim());
  if (rest.length || !E164_PREFIX.test(from) || !E164_PREFIX.test(to))
    throw new NumberRuleError(p, 'a range is two numbers or prefixes, +1555010-+1555019');
  if (from.length !== to.length) throw new NumberRuleError(p, 'both ends of a range need as many digits');
  if (from > to) throw new NumberRuleError(p, 'the range ends before it starts');
  return [from.slice(1), to.slice(1)];
}

/** Refuses a rule that could never match, or that matches everything; checked when saved and when loaded. */
export function validateNumberRule(rule: Pick<NumberRule, 'kind' | 'pattern'>): void {
  if (rule.kind === 'neighbour') {
    const n = Number(rule.pattern);
    if (!/^[0-9]{1,2}$/.test(rule.pattern.trim()) || n < 4 || n > 14)
      throw new NumberRuleError(
        rule.pattern,
        'a neighbour rule is how many leading digits to compare, 4 to 14',
      );
    return;
  }
  bounds(rule);
}

interface Span {
  from: string;
  to: string;
  rule: NumberRule;
}

/**
 * Compiled rules, ready for every call. Pure. A lookup costs a binary search per distinct
 * pattern length (at most 15), whatever the number of rules. Where several rules match, the
 * most specific (the longest pattern) wins.
 */
export class NumberRules {
  /** By list, then by pattern length: spans sorted by `from`, with the furthest `to` so far. */
  private readonly spans = new Map<string, Map<number, { list: Span[]; reach: string[] }>>();
  private readonly neighbours = new Map<string, NumberRule[]>();

  constructor(rules: readonly NumberRule[]) {
    const grouped = new Map<string, Map<number, Span[]>>();
    for (const rule of rules) {
      try {
        validateNumberRule(rule);
      } catch {
        continue; // edited by hand in the database: never run it
      }
      if (rule.kind === 'neighbour') {
        const list = this.neighbours.get(rule.list) ?? [];
        list.push(rule);
        this.neighbours.set(rule.list, list);
        continue;
      }
      const [from, to] = bounds(rule);
      const byLength = grouped.get(rule.list) ?? new Map<number, Span[]>();
      grouped.set(rule.list, byLength);
      byLength.set(from.length, [...(byLength.get(from.length) ?? []), { from, to, rule }]);
    }
    for (const [list, byLength] of grouped) {
      const compiled = new Map<number, { list: Span[]; reach: string[] }>();
      for (const [length, spans] of byLength) {
        spans.sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
        let far = '';
        const reach = spans.map((s) => {
          if (s.to > far) far = s.to;
          return far;
        });
        compiled.set(length, { list: spans, reach });
      }
      this.spans.set(list, compiled);
    }
    for (const list of this.neighbours.values()) list.sort((a, b) => Number(b.pattern) - Number(a.pattern));
  }

  /**
   * The rule of `list` that covers the caller (an E.164 key, `+15551234567`), the most specific
   * first; `called` is the number called, for neighbour rules. Null for a number that is not
   * E.164 (withheld, or a form the default country does not parse).
   */
  match(list: 'allow' | 'block', caller: string, called?: string): NumberRule | null {
    if (!E164_PREFIX.test(caller)) return null;
    const digits = caller.slice(1);
    let best: NumberRule | null = null;
    let bestLength = 0;
    for (const [length, { list: spans, reach }] of this.spans.get(list) ?? []) {
      if (length > digits.length || length <= bestLength) continue;
      const head = digits.slice(0, length);
      // The last span starting at or before `head`, then back while one reaching past it may cover it.
      let lo = 0;
      let hi = spans.length - 1;
      let at = -1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if ((spans[mid] as Span).from <= head) {
          at = mid;
          lo = mid + 1;
        } else hi = mid - 1;
      }
      for (let i = at; i >= 0 && (reach[i] as string) >= head; i--) {
        const s = spans[i] as Span;
        if (s.to >= head) {
          best = s.rule;
          bestLength = length;
          break;
        }
      }
    }
    if (called && E164_PREFIX.test(called) && called !== caller) {
      for (const rule of this.neighbours.get(list) ?? []) {
        const n = Number(rule.pattern);
        if (n > bestLength && digits.length >= n && called.slice(1, n + 1) === digits.slice(0, n))
          return rule;
      }
    }
    return best;
  }
}
