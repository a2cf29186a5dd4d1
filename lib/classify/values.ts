import { VALUE_TABLE, type Category } from "./table";

/** How a set of values looks: the category most of them fit, and how many. */
export interface ValueFinding {
  readonly category: Category;
  readonly matched: number;
  /** Non-empty values looked at. */
  readonly seen: number;
}

/** ISO 13616: move the first four characters to the end, letters to numbers (A=10), the number mod 97 is 1. */
export function ibanValid(text: string): boolean {
  const s = text.replace(/ /g, "");
  const moved = s.slice(4) + s.slice(0, 4);
  let rest = 0;
  for (const ch of moved) {
    const code = ch >= "A" && ch <= "Z" ? String(ch.charCodeAt(0) - 55) : ch;
    for (const d of code) rest = (rest * 10 + Number(d)) % 97;
  }
  return rest === 1;
}

/** The Luhn check digit of payment card numbers. */
export function luhnValid(text: string): boolean {
  const digits = text.replace(/[ -]/g, "");
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return digits.length >= 13 && sum % 10 === 0;
}

/** The category of one value, or undefined: the first pattern of the table it fits. */
export function valueCategory(value: unknown): Category | undefined {
  if (value === null || value === undefined) return undefined;
  const text = String(value).trim();
  if (text === "") return undefined;
  for (const p of VALUE_TABLE.patterns) {
    if (!p.pattern.test(text)) continue;
    if (p.check === "iban" && !ibanValid(text)) continue;
    if (p.check === "luhn" && !luhnValid(text)) continue;
    return p.category;
  }
  return undefined;
}

/** The category at least minShare of the non-empty values fit (the most common one), or undefined. */
export function classifyValues(values: readonly unknown[]): ValueFinding | undefined {
  const counts = new Map<Category, number>();
  let seen = 0;
  for (const v of values) {
    if (v === null || v === undefined || String(v).trim() === "") continue;
    seen++;
    const c = valueCategory(v);
    if (c) counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  let best: ValueFinding | undefined;
  for (const [category, matched] of counts) {
    if (matched / seen >= VALUE_TABLE.minShare && (!best || matched > best.matched)) best = { category, matched, seen };
  }
  return best;
}
