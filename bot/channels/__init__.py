"""The media: one folder per way a guest reaches the hotel, each receiving, parsing and
sending its own kind of message.

    rest/      JSON over HTTP (tests, integrations)
    sms/       Twilio SMS
    email/     Mailgun webhook and an SMTP receiver; replies over SMTP
    webchat/   the embeddable widget over socket.io, its pages and static files

Inside each folder the pure parsing (no I/O: parse, verify, build) sits beside the
I/O (the Rasa input channel in `channel.py`, the provider client, and `transport.py`,
which wraps the provider's send for the outbox: bot/outbox decides and sends everything
that goes out, the channels call it). `base.py` is what every input channel shares;
`transports.py` builds every medium's transport from the settings; each `channel.py` is
registered by dotted path in credentials.yml. Nothing here decides what to say: the turn runs in Rasa and
bot/feedback.
"""
