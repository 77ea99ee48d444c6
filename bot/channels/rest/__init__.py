"""REST: a JSON webhook for tests and integrations (`channel.py`)."""
