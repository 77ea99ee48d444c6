"""E-mail: receive (Mailgun webhook, SMTP receiver), parse and send (SMTP).

Pure (no I/O, no Rasa; unit-tested alone):
    message       InboundEmail, MIME parsing, address normalisation, new text of a reply
    mailgun       Mailgun's webhook form and its HMAC signature
    autoreply     automatic replies and loops (RFC 3834, our loop marker)
    outbound      building the threaded reply (text + HTML, Auto-Submitted)

I/O:
    channel       the Rasa input channel: Mailgun's webhook, the SMTP receiver's turns, replies
    smtp_inbound  the SMTP receiver (aiosmtpd)
    smtp          the SMTP client (send one message)
"""
