"""SMS (Twilio) logic that needs no server: parsing and verifying webhooks, opt-out
keywords, segment counting and splitting, delivery-status ordering.

    inbound    parse_twilio_form(form) -> InboundSms; normalise_e164(raw)
    signature  public_url(base, path, query); verify(auth_token, url, form, signature)
    keywords   classify_keyword(body) -> "stop" | "start" | "help" | None; keyword_language(body)
    segments   is_gsm7(text); segment_count(text); split_message(text, max_segments)
    status     advances(current, new) for Twilio's status callbacks

The I/O builds on these: the channel (`channel.py`), the Twilio client (`twilio.py`)
and the durable bookkeeping (`store.py`).
"""
