"""The arithmetic of drill content: expressions over drawn parameters, and how numbers print.

Kept apart from `params` (which draws values for a drill) so that the content models can
render a template without importing the drill model they define.
"""

from __future__ import annotations

import ast
import operator
import re
from collections.abc import Callable, Mapping
from functools import lru_cache

_OPERATORS: dict[type[ast.operator], Callable[[float, float], float]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}
# `{qps}` or a computed value, `{qps * ratio / (ratio + 1)}`.
_PLACEHOLDER = re.compile(r"\{([a-z0-9_+\-*/(). ]+)\}")


def evaluate(expression: str, values: Mapping[str, float]) -> float:
    """+ - * / and parentheses over numbers and parameter names; anything else is refused."""
    return _eval(_parse(expression), values)


@lru_cache(maxsize=1024)
def _parse(expression: str) -> ast.expr:
    return ast.parse(expression.strip(), mode="eval").body


def _eval(node: ast.expr, values: Mapping[str, float]) -> float:
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        return float(node.value)
    if isinstance(node, ast.Name) and node.id in values:
        return float(values[node.id])
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return -_eval(node.operand, values)
    if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
        return _OPERATORS[type(node.op)](_eval(node.left, values), _eval(node.right, values))
    raise ValueError(f"not allowed in an expression: {ast.dump(node)[:60]}")


def placeholders(text: str) -> list[str]:
    """The expressions between braces in a template, in order."""
    return [m.strip() for m in _PLACEHOLDER.findall(text)]


def render(text: str, values: Mapping[str, float]) -> str:
    """Put the drawn numbers into a template: `{qps}` -> `80k`, `{qps / (ratio + 1)}` -> `792`."""
    return _PLACEHOLDER.sub(lambda m: compact(evaluate(m.group(1), values)), text)


def compact(value: float) -> str:
    """50000 -> 50k, 1500000 -> 1.5M, 495.05 -> 495."""
    for scale, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= scale:
            return f"{value / scale:.3g}{suffix}"
    return f"{value:.3g}" if abs(value) < 100 else f"{value:.0f}"
