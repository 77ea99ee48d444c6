"""REST: a JSON webhook for tests and integrations.

parse.py    pure: the request body -> InboundMessage (tenant, guest id, text, metadata)
channel.py  I/O: the Rasa input channel (auth, limits, the turn, the reply)
"""
