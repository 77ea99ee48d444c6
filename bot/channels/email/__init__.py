"""Pure email logic: parsing inbound mail (Mailgun webhook form, raw MIME), recognising
automatic replies and loops, and building threaded replies. No I/O and no Rasa here;
the channel (`bot/channels/email/channel.py`) and the SMTP receiver/sender do the I/O."""
