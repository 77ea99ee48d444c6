"""SMS (Twilio) logic that needs no server: parsing and verifying webhooks, opt-out
keywords.

    inbound    parse_twilio_form(form) -> InboundSms; normalise_e164(raw)
    signature  public_url(base, path, query); verify(auth_token, url, form, signature)
    keywords   classify_keyword(body) -> "stop" | "start" | "help" | None; keyword_language(body)

The I/O builds on these: the channel (`channel.py`), the Twilio client (`twilio.py`, the
only module that calls Twilio's send API) and its outbox transport (`transport.py`).
Splitting, the consent and delivery records and the status ordering belong to the
outbox (bot/outbox: segments.py, sms_store.py, sms_status.py).
"""
