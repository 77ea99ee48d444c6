"""`python -m bot.insights analyse --lang L` (bot/insights/cli.py)."""

from __future__ import annotations

from .cli import main

raise SystemExit(main())
