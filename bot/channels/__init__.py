"""The media: one folder per way a guest reaches the hotel, each receiving, parsing and
sending its own kind of message.

    rest/      JSON over HTTP (tests, integrations)
    sms/       Twilio SMS
    email/     Mailgun webhook and an SMTP receiver; replies over SMTP
    webchat/   the embeddable widget over socket.io, its pages and static files

Inside each folder the pure parsing (no I/O: parse, verify, split, build) sits beside the
I/O (the Rasa input channel in `channel.py`, the provider client, the durable records).
`base.py` is what every input channel shares; each `channel.py` is registered by dotted
path in credentials.yml. Nothing here decides what to say: the turn runs in Rasa and
bot/feedback.
"""
