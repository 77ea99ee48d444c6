"""`python -m bot.outreach ...`: the outreach CLI (bot/outreach/cli.py)."""

import sys

from bot.outreach.cli import main

if __name__ == "__main__":
    sys.exit(main())
