"""SMS over Twilio: receive, parse and send.

Pure (no I/O, no Rasa; unit-tested alone):
    inbound    parse_twilio_form(form) -> InboundSms; normalise_e164(raw)
    signature  public_url(base, path, query); verify(auth_token, url, form, signature)
    keywords   classify_keyword(body) -> "stop" | "start" | "help" | None; keyword_language(body)

I/O:
    channel    the Rasa input channel: Twilio's webhooks (inbound, status callback)
    twilio     the Twilio REST client, the only module that calls Twilio's send API
    transport  the outbox's SMS transport over that client

Splitting into segments, the consent (STOP) and delivery records and the status ordering
belong to the outbox (bot/outbox: segments.py, sms_store.py, sms_status.py), which every
send goes through.
"""
