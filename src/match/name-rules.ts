import { DoormanError } from '../errors.js';

/** A caller-ID name rule: `exact` compares folded names, `regex` tests the name as received. */
export interface NameRule {
  id: string;
  kind: 'exact' | 'regex';
  pattern: string;
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
 * Refuses patterns that can take exponential time (a quantified group that itself contains a
 * quantifier or an alternation, as in `(a+)+` or `(a|a)*`), backreferences and lookbehinds,
 * and anything that does not compile. Checked when a rule is saved, not when a call arrives.
 */
export function validateNameRule(rule: Pick<NameRule, 'kind' | 'pattern'>): void {
  const p = rule.pattern;
  if (!p.trim()) throw new NameRuleError(p, 'is empty');
  if (p.length > MAX_PATTERN) throw new NameRuleError(p, `is longer than ${MAX_PATTERN} characters`);
  if (rule.kind === 'exact') {
    if (!foldName(p)) throw new NameRuleError(p, 'has no letters or digits');
    return;
  }
  if (/\\[1-9]|\\k</.test(p)) throw new NameRuleError(p, 'backreferences are not allowed');
  if (/\(\?<[=!]/.test(p)) throw new NameRuleError(p, 'lookbehind is not allowed');
  // Walk the pattern keeping, per open group, whether it holds a quantifier or alternation.
  const stack: boolean[] = [];
  let risky = false;
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '[') {
      // Skip a character class; quantifiers inside it are literal.
      i++;
      if (p[i] === ']') i++;
      while (i < p.length && p[i] !== ']') i += p[i] === '\\' ? 2 : 1;
      continue;
    }
    if (c === '(') stack.push(false);
    else if (c === ')') {
      const inner = stack.pop() ?? false;
      const next = p[i + 1];
      const quantified =
        next === '*' || next === '+' || (next === '{' && /^\{\d*,\d*\}|^\{\d{2,}\}/.test(p.slice(i + 1)));
      if (inner && quantified) risky = true;
      if (inner && stack.length) stack[stack.length - 1] = true;
    } else if ((c === '*' || c === '+' || c === '{' || c === '|') && stack.length) {
      stack[stack.length - 1] = true;
    }
  }
  if (risky) throw new NameRuleError(p, 'nested quantifiers can take exponential time; simplify it');
  try {
    new RegExp(p, 'iu');
  } catch (e) {
    throw new NameRuleError(p, `not a valid regular expression: ${(e as Error).message}`);
  }
}

/** Compiled rules, ready for every call. Pure. */
export class NameRules {
  private readonly exact = new Map<string, NameRule>();
  private readonly regexes: Array<{ rule: NameRule; re: RegExp }> = [];

  constructor(rules: readonly NameRule[]) {
    for (const rule of rules) {
      try {
        validateNameRule(rule);
      } catch {
        continue; // stored before validation existed, or edited by hand: never run it
      }
      if (rule.kind === 'exact') this.exact.set(foldName(rule.pattern), rule);
      else this.regexes.push({ rule, re: new RegExp(rule.pattern, 'iu') });
    }
  }

  /**
   * The first rule the caller-ID name matches. Padding must not hide a name: exact rules
   * compare the folded name (spaces and punctuation gone) before it is cut to length; regex
   * rules see the name with its runs of spaces made one, and a name still too long is tried
   * on its first and its last MAX_NAME characters (a rule anchored at either end still holds).
   */
  match(name: string): NameRule | null {
    const hit = this.exact.get(foldName(name).slice(0, MAX_NAME));
    if (hit) return hit;
    const compact = name.replace(/\s+/g, ' ').trim();
    const seen =
      compact.length > MAX_NAME ? [compact.slice(0, MAX_NAME), compact.slice(-MAX_NAME)] : [compact];
    for (const { rule, re } of this.regexes) if (seen.some((s) => re.test(s))) return rule;
    return null;
  }
}
