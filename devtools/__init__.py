"""Development and test tools that are not part of the product (local stand-ins for
external providers). Nothing in `bot/`, `actions/` or `channels/` imports this package."""
