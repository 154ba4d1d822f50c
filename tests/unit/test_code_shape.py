"""The code keeps its shape: no module over 400 lines, no function over 60, no function worse than radon's C.

Checked on app.py, chalicelib/, infrastructure/ and sandboxes/. A function that breaks a limit is split, not exempted.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from radon.complexity import cc_rank, cc_visit
from radon.visitors import Function

ROOT = Path(__file__).resolve().parents[2]
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
WORST_GRADE = "C"  # A-C; D starts at a cyclomatic complexity of 21


def sources() -> list[Path]:
    found = [ROOT / "app.py", *(ROOT / "chalicelib").rglob("*.py"), *(ROOT / "infrastructure").rglob("*.py"),
             *(ROOT / "sandboxes").rglob("*.py")]
    return sorted(p for p in found if "__pycache__" not in p.parts)


def _functions(source: str) -> list[Function]:
    """Every function and method radon grades (radon lists methods on their own; a class's grade is theirs)."""
    return [block for block in cc_visit(source) if isinstance(block, Function)]


def problems(source: str, name: str) -> list[str]:
    """What in this module breaks a limit, one line each, as `name:function: what`."""
    found = []
    lines = len(source.splitlines())
    if lines > MAX_MODULE_LINES:
        found.append(f"{name}: {lines} lines (at most {MAX_MODULE_LINES}; split the module)")
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            if length > MAX_FUNCTION_LINES:
                found.append(f"{name}:{node.name}: {length} lines (at most {MAX_FUNCTION_LINES})")
    for block in _functions(source):
        grade = cc_rank(block.complexity)
        if grade > WORST_GRADE:
            found.append(f"{name}:{block.name}: complexity {grade} ({block.complexity}; at most {WORST_GRADE})")
    return found


def test_no_module_function_or_complexity_over_the_limits() -> None:
    found = [p for path in sources()
             for p in problems(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))]
    assert found == []


def _function(name: str, body: list[str]) -> str:
    return f"def {name}(x):\n" + "".join(f"    {line}\n" for line in body)


@pytest.mark.parametrize(("source", "expected"), [
    (_function("long", ["x += 1"] * 60), "t.py:long: 61 lines (at most 60)"),
    (_function("branchy", [f"if x == {i}:\n        return {i}" for i in range(21)]),
     "t.py:branchy: complexity D (22; at most C)"),
    ("class K:\n" + "\n".join("    " + line for line in _function(
        "method", [f"if x == {i}:\n            return {i}" for i in range(21)]).splitlines()),
     "t.py:method: complexity D (22; at most C)"),
    ("x = 1\n" * 401, "t.py: 401 lines (at most 400; split the module)"),
])
def test_the_limits_are_enforced(source: str, expected: str) -> None:
    assert problems(source, "t.py") == [expected]


def test_code_within_the_limits_passes() -> None:
    assert problems(_function("short", [f"if x == {i}:\n        return {i}" for i in range(19)]) + "x = 1\n" * 300,
                    "t.py") == []
