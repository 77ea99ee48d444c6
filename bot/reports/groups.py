"""Small groups are hidden in every report: the rule, shared by the ratings report
(report.py) and the invitation figures (outreach.py)."""

from __future__ import annotations

from collections.abc import Hashable, Mapping

MIN_GROUP = 5


def protect(counts: Mapping[Hashable, int], k: int = MIN_GROUP) -> set[Hashable]:
    """Keys of `counts` (cells that add up to a shown total) to hide: every cell with
    1 to k-1 answers, then the smallest shown non-zero cells until the hidden ones add
    up to k or more (one hidden cell alone is the total minus the others)."""
    hidden = {key for key, n in counts.items() if 0 < n < k}
    if not hidden:
        return hidden
    shown = sorted((n, str(key), key) for key, n in counts.items() if n > 0 and key not in hidden)
    while shown and (len(hidden) == 1 or sum(counts[h] for h in hidden) < k):
        hidden.add(shown.pop(0)[2])
    return hidden
