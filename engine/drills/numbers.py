"""Numbers in a sketch, in the forms people write them, and the arithmetic they write out.

"~50k", "49.5k", "49,500" and "1.2M" are read as numbers; "50,000 × 100/101" and
"(500 - 100) x 20" are also read as the value they work out to, so a learner who applies the
right formula to this attempt's numbers gets the credit even without writing the result.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NUMBER = r"(?:\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*[kmb]?(?![a-z0-9])"
_ONE = re.compile(r"(?<![\w.])(" + _NUMBER + ")")
_SCALE = {"k": 1e3, "m": 1e6, "b": 1e9}
# Operators people type: x and × for times (only between numbers), ÷, /, +, -, −.
_OPERATOR = r"\s*(?:[x×*/÷+\-−])\s*"
_TERM = r"\(?\s*" + _NUMBER + r"\s*\)?"
# What every calculation has (a digit, an operator, a digit), found far faster than one.
_OPERATION = re.compile(r"\d\s*[kmb]?\s*\)?" + _OPERATOR + r"\(?\s*\d")
_EXPRESSION = re.compile(r"(?<![\w.])(\(?" + _TERM + r"(?:" + _OPERATOR + _TERM + r")+)")


@dataclass(frozen=True, slots=True)
class Number:
    written: str
    value: float
    start: int  # character offset in the folded text


def read_numbers(
    folded: str,
    words: list[str] | None = None,
    offsets: list[tuple[int, int]] | None = None,
) -> list[Number]:
    """Every number, then every written-out calculation (as its value), in text order; then
    numbers spelled out in words ("eight thousand", "a hundred and sixty"), among `words`
    (the text's own, as `clauses.Parsed` reads them) where given."""
    found = [
        Number(m.group(1).strip(), _value(m.group(1)), m.start(1)) for m in _ONE.finditer(folded)
    ]
    if words is None or offsets is None:
        matches = list(_WORD.finditer(folded))
        words, offsets = [m.group() for m in matches], [m.span() for m in matches]
    found += spelled_numbers(words, offsets, folded)
    if not _OPERATION.search(folded):
        return found  # no two numbers with an operator between them: no calculation
    for match in _EXPRESSION.finditer(folded):
        value = _evaluate(match.group(1))
        if value is not None:
            found.append(Number(match.group(1).strip(), value, match.start(1)))
    return found


def _value(written: str) -> float:
    text = written.strip().replace(" ", "")
    scale = _SCALE.get(text[-1], 1.0) if text[-1] in _SCALE else 1.0
    digits = text[:-1] if text[-1] in _SCALE else text
    return float(digits.replace(",", "")) * scale


_TOKEN = re.compile(r"\d[\d,]*(?:\.\d+)?\s*[kmb]?|[x×*/÷+\-−()]")


def _evaluate(expression: str) -> float | None:
    """+ - × / and parentheses over numbers, left to right with the usual precedence."""
    tokens = [t.strip() for t in _TOKEN.findall(expression) if t.strip()]
    try:
        value, rest = _sum(tokens)
    except (ValueError, ZeroDivisionError, IndexError):
        return None
    return value if not rest else None


def _sum(tokens: list[str]) -> tuple[float, list[str]]:
    value, tokens = _product(tokens)
    while tokens and tokens[0] in "+-−":
        op, (right, tokens) = tokens[0], _product(tokens[1:])
        value = value + right if op == "+" else value - right
    return value, tokens


def _product(tokens: list[str]) -> tuple[float, list[str]]:
    value, tokens = _atom(tokens)
    while tokens and tokens[0] in "x×*/÷":
        op, (right, tokens) = tokens[0], _atom(tokens[1:])
        value = value / right if op in "/÷" else value * right
    return value, tokens


def _atom(tokens: list[str]) -> tuple[float, list[str]]:
    if tokens[0] == "(":
        value, rest = _sum(tokens[1:])
        if not rest or rest[0] != ")":
            raise ValueError("unbalanced")
        return value, rest[1:]
    return _value(tokens[0]), tokens[1:]


def near(value: float, expected: float, tolerance: float) -> bool:
    return abs(value - expected) <= tolerance * abs(expected)


_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|%")  # as `clauses` reads words
_UNIT_WORDS = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen",
)  # fmt: skip
_TEN_WORDS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_UNITS = {w: n for n, w in enumerate(_UNIT_WORDS)}
_TENS = {w: 10 * n for n, w in enumerate(_TEN_WORDS, 2)}
_MULTIPLIERS = {"hundred": 100, "thousand": 1_000, "million": 1_000_000}
_NUMBER_WORDS = {**_UNITS, **_TENS, **_MULTIPLIERS}
SPELLED_FROM = 10  # "one request" or "two regions" are no sums


def spelled_numbers(words: list[str], offsets: list[tuple[int, int]], folded: str) -> list[Number]:
    """Runs of number words among a text's words ("eight thousand", "twenty-five"): joined
    by a space or a hyphen, "and" only after "hundred", "thousand" or "million", and a
    leading "a" ("a hundred and sixty" = 160)."""
    found = []
    at = [i for i, word in enumerate(words) if word in _NUMBER_WORDS]
    taken = -1
    for first in at:
        if first <= taken:
            continue
        start = first - 1 if first and _joins(words, offsets, folded, first - 1, "a") else first
        last = first
        while True:
            following = last + 1
            if following < len(words) and words[following] in _NUMBER_WORDS:
                if folded[offsets[last][1] : offsets[following][0]] not in (" ", "-"):
                    break
                last = following
            elif (
                following + 1 < len(words)
                and words[following] == "and"
                and words[last] in _MULTIPLIERS
                and words[following + 1] in _NUMBER_WORDS
                and folded[offsets[last][1] : offsets[following + 1][0]] == " and "
            ):
                last = following + 1
            else:
                break
        taken = last
        number = _run_value(folded[offsets[start][0] : offsets[last][1]], offsets[start][0])
        if number is not None:
            found.append(number)
    return found


def _joins(
    words: list[str], offsets: list[tuple[int, int]], folded: str, index: int, word: str
) -> bool:
    """Whether `word` stands at `index`, one space before the next word."""
    return words[index] == word and folded[offsets[index][1] : offsets[index + 1][0]] == " "


def _run_value(written: str, start: int) -> Number | None:
    words = written.replace("-", " ").split()
    total = current = 0
    for word in words:
        if word == "a":
            current += 1
        elif word == "and":
            continue
        elif word in _MULTIPLIERS:
            if word == "hundred":
                current = (current or 1) * 100
            else:
                total += (current or 1) * _MULTIPLIERS[word]
                current = 0
        else:
            current += _NUMBER_WORDS[word]
    value = total + current
    if value < SPELLED_FROM:
        return None
    return Number(written, float(value), start)
