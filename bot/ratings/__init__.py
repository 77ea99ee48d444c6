"""Rating parser: turns a guest's answer ("4", "vier", "8/10", "★★★★☆", "room 5, breakfast 2")
into ratings on the tenant's question scales. Pure Python (no rasa); see `parser` for the approach."""

from bot.base.scale import Scale
from bot.ratings.parser import ParseResult, Rating, parse_answer

__all__ = ["ParseResult", "Rating", "Scale", "parse_answer"]
