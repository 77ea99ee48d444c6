"""The web chat: the embeddable widget (static/), its socket.io channel and pages.

session.py   pure: signed session tokens, origin checks, message parsing (no I/O)
pages.py     pure: the demo pages' HTML
channel.py   I/O: the socket.io server inside Rasa, staff-message delivery to the widget
static/      widget.js, embed.js and the vendored socket.io client
"""
