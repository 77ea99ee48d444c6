"""SMS over Twilio: receive, parse and send.

Pure (no I/O, no Rasa; unit-tested alone):
    inbound    parse_twilio_form(form) -> InboundSms; normalise_e164(raw)
    signature  public_url(base, path, query); verify(auth_token, url, form, signature)
    keywords   classify_keyword(body) -> "stop" | "start" | "help" | None; keyword_language(body)
    segments   is_gsm7(text); segment_count(text); split_message(text, max_segments)
    status     advances(current, new) for Twilio's status callbacks

I/O:
    channel    the Rasa input channel: Twilio's webhooks (inbound, status callback)
    twilio     the Twilio REST client (send one message)
    outbound   one text to a phone: split, sent, each provider id recorded
    store      durable SMS bookkeeping (inbound exactly-once gate, delivery status)
"""
