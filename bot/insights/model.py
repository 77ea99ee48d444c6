"""PLACEHOLDER `analyse`: returns no topics and a neutral polarity until the analyser lands."""

from __future__ import annotations

from bot.base.insight import POLARITIES, TOPICS, Analysis, Mention

__all__ = ["POLARITIES", "TOPICS", "Analysis", "Mention", "analyse"]


def analyse(text: str, lang: str) -> Analysis:
    """PLACEHOLDER until the analyser lands: no topics, neutral."""
    return Analysis()
