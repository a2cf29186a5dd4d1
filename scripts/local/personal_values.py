"""Values that look like personal data, for the local data plane: the value half of lakemesh's classifier.

The patterns are lib/classify/patterns.json, the one table lakemesh validate and `lakemesh sample` use (written in
the regular-expression syntax JavaScript and Python share). scan_table() flags the columns of a table, not marked
personal in its contract, whose values look like e-mail addresses, IBANs, payment cards, IP or MAC addresses,
phone numbers or national ids; classify_values() does it for any list of values.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

PATTERNS = Path(__file__).resolve().parents[2] / "lib" / "classify" / "patterns.json"


@dataclass(frozen=True)
class Pattern:
    category: str
    match: str
    regex: re.Pattern
    check: str | None


@dataclass(frozen=True)
class Flag:
    """A column whose values look personal: `matched` of the `seen` non-empty values fit `category`."""

    table: str
    column: str
    category: str
    matched: int
    seen: int


def _load() -> tuple[float, list[Pattern]]:
    table = json.loads(PATTERNS.read_text())["values"]
    patterns = [Pattern(p["category"], p["match"], re.compile(p["pattern"], re.ASCII), p.get("check")) for p in table["patterns"]]
    return float(table["minShare"]), patterns


MIN_SHARE, _PATTERNS = _load()


def iban_valid(text: str) -> bool:
    """ISO 13616: the first four characters moved to the end, letters as numbers (A=10), mod 97 is 1."""
    s = text.replace(" ", "")
    moved = s[4:] + s[:4]
    digits = "".join(str(ord(c) - 55) if "A" <= c <= "Z" else c for c in moved)
    return digits.isdigit() and int(digits) % 97 == 1


def luhn_valid(text: str) -> bool:
    """The check digit of payment card numbers."""
    digits = text.replace(" ", "").replace("-", "")
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d * 2 > 9 else d * 2
        total += d
    return len(digits) >= 13 and total % 10 == 0


_CHECKS = {"iban": iban_valid, "luhn": luhn_valid}


def value_category(value: Any) -> str | None:
    """The category of one value: the first pattern of the table it fits (and whose check it passes), else None."""
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    for p in _PATTERNS:
        hit = p.regex.fullmatch(text) if p.match == "full" else p.regex.search(text)
        if hit and (p.check is None or _CHECKS[p.check](text)):
            return p.category
    return None


def classify_values(values: Iterable[Any]) -> tuple[str, int, int] | None:
    """(category, matched, seen) when at least MIN_SHARE of the non-empty values fit one category (the most common)."""
    counts: dict[str, int] = {}
    seen = 0
    for v in values:
        if v is None or str(v).strip() == "":
            continue
        seen += 1
        c = value_category(v)
        if c:
            counts[c] = counts.get(c, 0) + 1
    best = max(((n, c) for c, n in counts.items() if n / seen >= MIN_SHARE), default=None)
    return (best[1], best[0], seen) if best else None


def scan_table(df, table: str, dataset: dict, sample: int = 1000) -> list[Flag]:
    """Flags the STRING columns of a contract dataset, not marked personal, whose values (in the first `sample` rows
    of `df`, the dataset's table as this run reads it) look personal. `table` names it in the flags."""
    columns = [c["name"] for c in dataset["columns"] if c["type"] == "STRING" and not c.get("personalData")]
    if not columns:
        return []
    rows = df.select(*[f"`{c}`" for c in columns]).limit(sample).collect()
    flags = []
    for c in columns:
        found = classify_values(r[c] for r in rows)
        if found:
            flags.append(Flag(table, c, *found))
    return flags
