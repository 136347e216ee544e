import { RE2JS } from 're2js';
import { DoormanError } from '../errors.js';

/**
 * A caller-ID name rule: `exact` compares folded names, `regex` tests the name as received. A
 * block rule sends the caller to its destination (else the route's blocked one); an allow rule
 * lets them in, to its destination (else the route's unknown one).
 */
export interface NameRule {
  id: string;
  kind: 'exact' | 'regex';
  pattern: string;
  /** Absent on rules from before allow rules: those block. */
  list?: 'allow' | 'block';
  destination?: string | null;
}

export class NameRuleError extends DoormanError {
  constructor(pattern: string, problem: string) {
    super('NAME_RULE_INVALID', `name rule "${pattern.slice(0, 80)}": ${problem}`, {
      pattern: pattern.slice(0, 200),
    });
  }
}

const MAX_PATTERN = 200;
/** Caller-ID names are 15 characters on the PSTN; anything past this is noise or an attack. */
export const MAX_NAME = 255;

/** "Police Officers' P.A.C." -> "policeofficerspac": case, spaces, punctuation and accents folded. */
export function foldName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '');
}

/**
 * Compiles a regex rule with RE2 (re2js): matching takes time linear in the name, whatever the
 * pattern, so no rule can hold up a call or the process, and none needs guessing at whether it
 * backtracks. RE2 has no backreferences or lookaround; a pattern using them is refused.
 */
function compileRegex(pattern: string): RE2JS {
  try {
    return RE2JS.compile(pattern, RE2JS.CASE_INSENSITIVE);
  } catch (e) {
    throw new NameRuleError(
      pattern,
      `not a valid regular expression (RE2 syntax: no backreferences or lookaround): ${(e as Error).message}`,
    );
  }
}

/** Refuses empty, overlong or invalid rules; checked when a rule is saved, and again when loaded. */
export function validateNameRule(rule: Pick<NameRule, 'kind' | 'pattern'>): void {
  const p = rule.pattern;
  if (!p.trim()) throw new NameRuleError(p, 'is empty');
  if (p.length > MAX_PATTERN) throw new NameRuleError(p, `is longer than ${MAX_PATTERN} characters`);
  if (rule.kind === 'exact') {
    if (!foldName(p)) throw new NameRuleError(p, 'has no letters or digits');
    return;
  }
  compileRegex(p);
}

/** Compiled rules, ready for every call. Pure. */
export class NameRules {
  private readonly exact = { allow: new Map<string, NameRule>(), block: new Map<string, NameRule>() };
  private readonly regexes: Record<'allow' | 'block', Array<{ rule: NameRule; re: RE2JS }>> = {
    allow: [],
    block: [],
  };

  constructor(rules: readonly NameRule[]) {
    for (const rule of rules) {
      try {
        validateNameRule(rule);
      } catch {
        continue; // stored before validation existed, or edited by hand: never run it
      }
      const list = rule.list ?? 'block';
      if (rule.kind === 'exact') this.exact[list].set(foldName(rule.pattern), rule);
      else this.regexes[list].push({ rule, re: compileRegex(rule.pattern) });
    }
  }

  /**
   * The first rule the caller-ID name matches. Padding must not hide a name: exact rules
   * compare the folded name (spaces and punctuation gone) before it is cut to length; regex
   * rules see the name with its runs of spaces made one, and a name still too long is tried
   * on its first and its last MAX_NAME characters (a rule anchored at either end still holds).
   */
  match(name: string, list: 'allow' | 'block' = 'block'): NameRule | null {
    const hit = this.exact[list].get(foldName(name).slice(0, MAX_NAME));
    if (hit) return hit;
    const compact = name.replace(/\s+/g, ' ').trim();
    const seen =
      compact.length > MAX_NAME ? [compact.slice(0, MAX_NAME), compact.slice(-MAX_NAME)] : [compact];
    for (const { rule, re } of this.regexes[list]) if (seen.some((s) => re.test(s))) return rule;
    return null;
  }
}
