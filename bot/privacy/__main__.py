"""`python -m bot.privacy ...`: the operator CLI (bot/privacy/cli.py)."""

import sys

from bot.privacy.cli import main

if __name__ == "__main__":
    sys.exit(main())
