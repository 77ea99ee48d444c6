"""SMS and WhatsApp over Twilio: receive, parse and send.

WhatsApp is Twilio's Messages API with `whatsapp:+<E.164>` addresses: it arrives on the
same signed webhook, is parsed by `whatsapp.py`, runs the same turn (the number is the
same guest as by SMS) and is sent by `WhatsappTransport`.

Pure (no I/O, no Rasa; unit-tested alone):
    inbound    parse_twilio_form(form) -> InboundSms; normalise_e164(raw)
    whatsapp   is_whatsapp(form); parse_whatsapp_form(form) -> InboundWhatsapp; address(number)
    signature  public_url(base, path, query); verify(auth_token, url, form, signature)
    keywords   classify_keyword(body) -> "stop" | "start" | "help" | None; keyword_language(body)

I/O:
    channel    the Rasa input channel: Twilio's webhooks (inbound, status callback), both media
    twilio     the Twilio REST client, the only module that calls Twilio's send API
    transport  the outbox's SMS and WhatsApp transports over that client

Splitting into segments, the consent (STOP) and delivery records, the status ordering
and WhatsApp's 24-hour window belong to the outbox (bot/outbox: segments.py,
sms_store.py, sms_status.py, whatsapp_window.py), which every send goes through.
"""
