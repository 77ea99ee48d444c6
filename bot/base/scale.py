"""Rating scales: "1 to 5", "0 to 10", optionally with half points.

A `Scale` is a closed integer interval [low, high] with a step of 1 (or 0.5 when `halves`).
Conversion between scales is linear (low -> low, high -> high) and is computed with exact
fractions, then rounded half-up to the target's step and clamped into the target, so it is
monotonic and never lands between steps because of floating-point error:
8 on 0-10 -> 1 + 0.8 * 4 = 4.2 -> 4 on 1-5; 37.5 on 0-100 -> 2.5 -> 3 on 1-5.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

from bot.base.errors import ConfigError


class ScaleError(ConfigError, ValueError):
    """A scale definition is invalid (both a ConfigError and a ValueError)."""


@dataclass(frozen=True)
class Scale:
    low: int
    high: int
    halves: bool = False

    def __post_init__(self) -> None:
        for name in ("low", "high"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise ScaleError(f"scale {name} must be an integer, got {value!r}")
        if not isinstance(self.halves, bool):
            raise ScaleError(f"scale halves must be true or false, got {self.halves!r}")
        if self.low >= self.high:
            raise ScaleError(f"scale needs low < high, got {self.low}..{self.high}")

    @property
    def step(self) -> float:
        return 0.5 if self.halves else 1.0

    def normalise(self, value: float) -> float:
        """0..1 (low -> 0, high -> 1); values outside the scale are clamped."""
        _check_finite(value)
        share = (value - self.low) / (self.high - self.low)
        return min(1.0, max(0.0, share))

    def contains(self, value: float) -> bool:
        """Within [low, high] and on the step (whole numbers, or halves if allowed)."""
        if not math.isfinite(value) or not self.low <= value <= self.high:
            return False
        return float(value * 2 if self.halves else value).is_integer()

    def convert_from(self, value: float, source: Scale) -> float:
        """`value` on `source` mapped linearly onto this scale, rounded half-up to this
        scale's step and clamped into it."""
        _check_finite(value)
        share = (Fraction(value) - source.low) / (source.high - source.low)
        exact = self.low + share * (self.high - self.low)
        per_unit = 2 if self.halves else 1
        rounded = Fraction(math.floor(exact * per_unit + Fraction(1, 2)), per_unit)
        return float(min(Fraction(self.high), max(Fraction(self.low), rounded)))

    @classmethod
    def from_config(cls, d: Mapping) -> Scale:
        """From a tenant config mapping such as {"low": 1, "high": 5, "halves": true}."""
        if not isinstance(d, Mapping) or "low" not in d or "high" not in d:
            raise ScaleError("a scale needs 'low' and 'high'")
        low, high = d["low"], d["high"]
        if isinstance(low, float) and low.is_integer():
            low = int(low)
        if isinstance(high, float) and high.is_integer():
            high = int(high)
        halves = d.get("halves")
        return cls(low, high, False if halves is None else halves)


def _check_finite(value: float) -> None:
    if not math.isfinite(value):
        raise ValueError(f"not a finite number: {value!r}")
