"""No `$or` reaches a write filter.

nx-27017 0.8.1 (the embedded MongoDB-wire server) applies a write whose filter has a
top-level `$or` to the first document matching the `$or` alone, ignoring `_id` and every
other field (docs/INSTALL.md): a staff member resolving one conversation resolved
another. This reads the source: a dict literal with a `"$or"` key is allowed only as the
filter of a read (`find`, `find_one`, `count_documents`, `distinct`) or where listed in
ALLOWED with the reason; anywhere else it may end up in a write filter (the bug's `$or`
was handed to a helper that added `_id` to it)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
READS = {"find", "find_one", "count_documents", "distinct"}
# path -> why its `$or` cannot be misapplied
ALLOWED: dict[str, str] = {}  # (the link purge was the one place; it now deletes one condition at a time)


def or_literals(source: str) -> list[int]:
    """Line numbers of `{"$or": ...}` dict literals that are not the filter of a read."""
    tree = ast.parse(source)
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Dict):
            continue
        if not any(isinstance(k, ast.Constant) and k.value == "$or" for k in node.keys):
            continue
        parent = parents.get(node)
        is_read_filter = (
            isinstance(parent, ast.Call)
            and isinstance(parent.func, ast.Attribute)
            and parent.func.attr in READS
            and parent.args[:1] == [node]
        )
        if not is_read_filter:
            found.append(node.lineno)
    return found


def test_the_check_catches_the_filter_that_caused_the_bug():
    # the handover resolve before the fix: the `$or` went to a helper that added `_id`
    bug = 'doc = await self._transition(cid, {"$or": [{"state": W}, {"state": S, "to": x}]}, f)'
    direct = 'await c.find_one_and_update({"_id": x, "$or": [{"a": 1}]}, {"$set": {}})'
    read = 'await c.find_one({"_id": x, "$or": [{"a": 1}]})'
    assert or_literals(bug) == [1] and or_literals(direct) == [1] and or_literals(read) == []


@pytest.mark.parametrize("package", ["bot", "actions", "scripts", "devtools"])
def test_no_or_can_reach_a_write_filter(package):
    bad = {
        rel: lines
        for path in sorted((ROOT / package).rglob("*.py"))
        if (rel := str(path.relative_to(ROOT))) not in ALLOWED
        and (lines := or_literals(path.read_text(encoding="utf-8")))
    }
    assert bad == {}, f"$or outside a read filter (nx-27017 misapplies it in writes): {bad}"


def test_the_allowed_places_still_exist():
    for rel in ALLOWED:
        assert or_literals((ROOT / rel).read_text(encoding="utf-8")), rel  # else drop it from ALLOWED
