"""Command groups of the operator CLI, one module each with `register(subparsers)`;
bot/privacy/cli.py lists them in GROUPS and says how to add one."""
