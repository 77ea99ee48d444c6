"""Property tests of `Scale` (hypothesis) plus a few worked examples."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.base.errors import ConfigError
from bot.ratings import Scale


@st.composite
def scales(draw) -> Scale:
    low = draw(st.integers(min_value=-5, max_value=10))
    high = draw(st.integers(min_value=low + 1, max_value=low + 100))
    return Scale(low, high, draw(st.booleans()))


@st.composite
def on_scale(draw, scale: Scale) -> float:
    """A value `scale.contains`."""
    per_unit = 2 if scale.halves else 1
    steps = draw(st.integers(min_value=scale.low * per_unit, max_value=scale.high * per_unit))
    return steps / per_unit


finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)


@given(st.data(), scales())
def test_convert_from_same_scale_is_identity(data, scale):
    value = data.draw(on_scale(scale))
    assert scale.convert_from(value, scale) == value


@given(scales(), scales(), finite, finite)
def test_convert_from_is_monotonic(target, source, a, b):
    a, b = sorted((a, b))
    assert target.convert_from(a, source) <= target.convert_from(b, source)


@given(scales(), scales(), finite)
def test_convert_from_always_lands_on_the_target(target, source, value):
    assert target.contains(target.convert_from(value, source))


@given(scales(), scales())
def test_endpoints_map_to_endpoints(target, source):
    assert target.convert_from(source.low, source) == target.low
    assert target.convert_from(source.high, source) == target.high


@given(st.data(), scales(), scales())
def test_convert_from_stays_within_a_step_of_the_exact_mapping(data, target, source):
    value = data.draw(on_scale(source))
    exact = target.low + (value - source.low) / (source.high - source.low) * (target.high - target.low)
    assert abs(target.convert_from(value, source) - exact) <= target.step / 2 + 1e-9


@given(scales(), finite)
def test_normalise_is_within_unit_interval(scale, value):
    assert 0.0 <= scale.normalise(value) <= 1.0


@given(scales(), finite, finite)
def test_normalise_is_monotonic(scale, a, b):
    a, b = sorted((a, b))
    assert scale.normalise(a) <= scale.normalise(b)


@given(scales())
def test_normalise_endpoints(scale):
    assert scale.normalise(scale.low) == 0.0
    assert scale.normalise(scale.high) == 1.0


@given(st.data(), scales())
def test_contains_every_step(data, scale):
    assert scale.contains(data.draw(on_scale(scale)))


@given(scales(), finite)
def test_contains_means_in_range_and_on_step(scale, value):
    on_step = (value * 2).is_integer() if scale.halves else value.is_integer()
    assert scale.contains(value) == (scale.low <= value <= scale.high and on_step)


@given(scales())
def test_from_config_round_trip(scale):
    config = {"low": scale.low, "high": scale.high, "halves": scale.halves}
    assert Scale.from_config(config) == scale


# --- worked examples ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "source", "target", "expected"),
    [
        (8, Scale(0, 10), Scale(1, 5), 4),  # 1 + 0.8 * 4 = 4.2
        (7, Scale(0, 10), Scale(1, 5), 4),  # 3.8
        (6, Scale(0, 10), Scale(1, 5), 3),  # 3.4
        (5, Scale(0, 10), Scale(1, 5), 3),  # 3.0
        (37.5, Scale(0, 100), Scale(1, 5), 3),  # 2.5 rounds half up
        (6, Scale(0, 10), Scale(1, 5, halves=True), 3.5),  # 3.4 -> 3.5
        (4, Scale(1, 5), Scale(0, 10), 8),  # 7.5 rounds half up
        (3, Scale(1, 5), Scale(0, 10), 5),
        (42, Scale(0, 10), Scale(1, 5), 5),  # clamped
        (-3, Scale(0, 10), Scale(1, 5), 1),  # clamped
    ],
)
def test_convert_examples(value, source, target, expected):
    assert target.convert_from(value, source) == expected


@pytest.mark.parametrize(
    ("scale", "value", "inside"),
    [
        (Scale(1, 5), 4, True),
        (Scale(1, 5), 4.5, False),
        (Scale(1, 5, halves=True), 4.5, True),
        (Scale(1, 5, halves=True), 4.25, False),
        (Scale(1, 5), 0, False),
        (Scale(0, 10), 0, True),
        (Scale(1, 5), 6, False),
        (Scale(1, 5), math.nan, False),
        (Scale(1, 5), math.inf, False),
    ],
)
def test_contains_examples(scale, value, inside):
    assert scale.contains(value) is inside


def test_normalise_examples():
    assert Scale(1, 5).normalise(3) == 0.5
    assert Scale(0, 10).normalise(4) == 0.4


def test_from_config():
    assert Scale.from_config({"low": 1, "high": 5, "halves": True}) == Scale(1, 5, True)
    assert Scale.from_config({"low": 0, "high": 10}) == Scale(0, 10, False)
    assert Scale.from_config({"low": 1.0, "high": 5.0, "halves": None}) == Scale(1, 5)


@pytest.mark.parametrize(
    "config",
    [
        {},
        {"low": 1},
        {"low": 5, "high": 1},
        {"low": 3, "high": 3},
        {"low": "1", "high": 5},
        {"low": 1.5, "high": 5},
        {"low": 1, "high": 5, "halves": "yes"},
        {"low": True, "high": 5},
    ],
)
def test_from_config_rejects_bad_scales(config):
    with pytest.raises(ConfigError):
        Scale.from_config(config)
    with pytest.raises(ValueError):
        Scale.from_config(config)


def test_non_finite_values_are_rejected():
    with pytest.raises(ValueError):
        Scale(1, 5).convert_from(math.nan, Scale(0, 10))
    with pytest.raises(ValueError):
        Scale(1, 5).normalise(math.inf)
