"""`public_url` and `verify`. Requests are signed in the test with Twilio's own
`RequestValidator.compute_signature`, sent as the form body Twilio POSTs and decoded
the way the channel must decode it (blank values kept)."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

import pytest
from twilio.request_validator import RequestValidator

from bot.base.errors import ConfigError
from bot.channels.sms.signature import public_url, verify

TOKEN = "0123456789abcdef0123456789abcdef"  # a made-up auth token
URL = "https://hotel.example/webhooks/sms/webhook"
PARAMS = {
    "MessageSid": "SM" + "0" * 32,
    "AccountSid": "AC" + "0" * 32,
    "From": "+4915123456789",
    "To": "+14155552671",
    "Body": "Das Zimmer war schön",
    "NumMedia": "0",
}


def sign(url: str, params: dict[str, str], token: str = TOKEN) -> str:
    return RequestValidator(token).compute_signature(url, params)


def received(params: dict[str, str]) -> dict[str, str]:
    """`params` after the trip over the wire: form-encoded, then decoded by the channel."""
    return dict(parse_qsl(urlencode(params), keep_blank_values=True))


BODIES = [
    "Room was great, 5 stars!",
    "Grüße 😀",
    "Très bien, merci ! À bientôt",
    "¡Muy bien! ¿Cuatro estrellas?",
    "Perché no? È stato ottimo",
    "مرحبا",
    "1+1=2",  # '+' is a space on the wire unless encoded
    "100%20 sure",  # a literal "%20" must not be decoded twice
    "a&b=c",
    "",  # a picture-only MMS: Twilio signs "Body" with no value
]


@pytest.mark.parametrize("body", BODIES)
def test_genuine_request_verifies(body):
    params = PARAMS | {"Body": body}
    assert verify(TOKEN, URL, received(params), sign(URL, params))


@pytest.mark.parametrize(
    "url",
    [
        "https://hotel.example:8443/webhooks/sms/webhook?tenant=bellevue",
        "https://hotel.example/webhooks/sms/webhook?tenant=bellevue&lang=de",
        "https://hotel.example/rapport/webhooks/sms/webhook",
    ],
)
def test_url_with_port_query_or_prefix_verifies(url):
    assert verify(TOKEN, url, received(PARAMS), sign(url, PARAMS))


def test_default_port_may_be_spelled_out_either_way():
    assert verify(TOKEN, "https://hotel.example:443/webhooks/sms/webhook", PARAMS, sign(URL, PARAMS))


SIGNED_URL = URL + "?tenant=bellevue"
REJECTED = [
    # (token, url, form, signature)
    ("f" * 32, SIGNED_URL, PARAMS, sign(SIGNED_URL, PARAMS)),  # another account's token
    (TOKEN, SIGNED_URL, PARAMS, sign(SIGNED_URL, PARAMS, token="f" * 32)),
    (TOKEN, SIGNED_URL, PARAMS, None),  # no X-Twilio-Signature header
    (TOKEN, SIGNED_URL, PARAMS, ""),
    ("", SIGNED_URL, PARAMS, sign(SIGNED_URL, PARAMS, token="")),  # token not configured
    (TOKEN, SIGNED_URL, PARAMS, sign(SIGNED_URL, PARAMS)[:-2]),
    (TOKEN, URL.replace("/sms/", "/rest/") + "?tenant=bellevue", PARAMS, sign(SIGNED_URL, PARAMS)),
    (TOKEN, URL + "?tenant=other", PARAMS, sign(SIGNED_URL, PARAMS)),
    (TOKEN, URL, PARAMS, sign(SIGNED_URL, PARAMS)),  # query dropped
    (TOKEN, SIGNED_URL.replace("https", "http"), PARAMS, sign(SIGNED_URL, PARAMS)),  # request.url
    (TOKEN, SIGNED_URL, PARAMS | {"Body": "Das Zimmer war schlecht"}, sign(SIGNED_URL, PARAMS)),
    (TOKEN, SIGNED_URL, PARAMS | {"From": "+33612345678"}, sign(SIGNED_URL, PARAMS)),
    (TOKEN, SIGNED_URL, PARAMS | {"Extra": "1"}, sign(SIGNED_URL, PARAMS)),  # added after signing
    (TOKEN, SIGNED_URL, {k: v for k, v in PARAMS.items() if k != "To"}, sign(SIGNED_URL, PARAMS)),
    (TOKEN, SIGNED_URL, "Body=x", sign(SIGNED_URL, {"Body": "x"})),  # not a form mapping
]


@pytest.mark.parametrize(("token", "url", "form", "signature"), REJECTED)
def test_rejected(token, url, form, signature):
    assert verify(token, url, form, signature) is False


def test_form_parser_that_drops_blank_values_fails_a_genuine_mms():
    """Why the channel must not use Sanic's `request.form` (it drops "Body=")."""
    params = PARAMS | {"Body": "", "NumMedia": "1"}
    dropped = dict(parse_qsl(urlencode(params)))
    assert not verify(TOKEN, URL, dropped, sign(URL, params))


PUBLIC_URLS = [
    # (base, path, query, url)
    ("https://hotel.example", "/webhooks/sms/webhook", "", URL),
    ("https://hotel.example/", "/webhooks/sms/webhook", "", URL),
    ("https://hotel.example/", "webhooks/sms/webhook", "", URL),
    (
        "https://hotel.example:8443",
        "/webhooks/sms/webhook",
        "",
        "https://hotel.example:8443/webhooks/sms/webhook",
    ),
    (
        "https://hotel.example/rapport/",
        "/webhooks/sms/webhook",
        "",
        "https://hotel.example/rapport/webhooks/sms/webhook",
    ),
    ("https://hotel.example", "/webhooks/sms/webhook", "tenant=bellevue", URL + "?tenant=bellevue"),
    ("https://hotel.example", "/webhooks/sms/webhook", "?tenant=bellevue", URL + "?tenant=bellevue"),
    ("https://hotel.example", "/webhooks/sms/webhook", "a=1%202&b=%C3%BC", URL + "?a=1%202&b=%C3%BC"),
    ("http://localhost:5005", "/webhooks/sms/webhook", "", "http://localhost:5005/webhooks/sms/webhook"),
]


@pytest.mark.parametrize(("base", "path", "query", "url"), PUBLIC_URLS)
def test_public_url(base, path, query, url):
    assert public_url(base, path, query) == url


def test_public_url_is_what_twilio_signed_behind_a_proxy():
    signed = sign(URL + "?tenant=bellevue", PARAMS)
    # The proxy forwarded to http://rasa:5005/webhooks/sms/webhook?tenant=bellevue
    url = public_url("https://hotel.example/", "/webhooks/sms/webhook", "tenant=bellevue")
    assert verify(TOKEN, url, received(PARAMS), signed)


@pytest.mark.parametrize(
    "base",
    [
        "hotel.example",
        "ftp://hotel.example",
        "https://",
        "https://hotel.example/?a=1",
        "https://hotel.example/#x",
        "",
    ],
)
def test_public_url_rejects_a_bad_base(base):
    with pytest.raises(ConfigError):
        public_url(base, "/webhooks/sms/webhook")
