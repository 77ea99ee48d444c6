"""Thin rasa-sdk actions, one module per feature; each calls into `bot/`."""
