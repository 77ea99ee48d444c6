"""Be a guest on the SMS and e-mail channels of a local `make run` (no credentials
needed): messages are signed with the local stand-ins' secrets, exactly as Twilio and
Mailgun sign theirs, and what the bot sent back is read from the stand-ins.

    .venv/bin/python scripts/guest.py sms +4915112345678 "Hello, I'd like to give feedback"
    .venv/bin/python scripts/guest.py sms +4915112345678 4
    .venv/bin/python scripts/guest.py email guest@example.org "Bonjour, mon séjour ..."
    .venv/bin/python scripts/guest.py outbox
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import secrets
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.base.settings import Settings  # noqa: E402
from bot.stack import fake_email_for, fake_twilio_for  # noqa: E402
from bot.tenants.registry import Tenants  # noqa: E402


def post(url: str, form: dict[str, str], headers: dict[str, str] | None = None) -> int:
    data = urllib.parse.urlencode(form).encode()
    request = urllib.request.Request(url, data=data, headers=headers or {}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def get(url: str) -> list[dict]:
    with urllib.request.urlopen(url, timeout=10) as r:
        return json.loads(r.read())


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("channel", choices=["sms", "email", "outbox"])
    parser.add_argument("who", nargs="?", help="the guest's phone number or e-mail address")
    parser.add_argument("text", nargs="?", default="")
    parser.add_argument("--tenant", default="alpenhof")
    args = parser.parse_args()
    settings = Settings.from_env()
    tenant = Tenants.load(settings.tenants_file, ("en", "de", "fr", "es", "it")).get(args.tenant)
    twilio, mail = fake_twilio_for(settings), fake_email_for(settings)

    if args.channel == "outbox":
        for m in get(twilio.base_url + "/_fake/messages"):
            print(f"SMS  to {m['to']}: {m['body']}")
        for m in get(mail.http_url + "/_fake/mail"):
            print(f"MAIL to {', '.join(m['rcpt_tos'])}: {m['subject']}")
        return 0
    if not args.who:
        parser.error("who is required")
    if args.channel == "sms":
        from twilio.request_validator import RequestValidator

        url = settings.public_url + "/webhooks/sms/inbound"
        form = {
            "MessageSid": "SM" + secrets.token_hex(16),
            "AccountSid": twilio.account_sid,
            "From": args.who,
            "To": tenant.sms_numbers[0],
            "Body": args.text,
            "NumMedia": "0",
        }
        signature = RequestValidator(twilio.auth_token).compute_signature(url, form)
        print("webhook answered", post(url, form, {"X-Twilio-Signature": signature}))
    else:
        ts, token = str(int(time.time())), secrets.token_hex(25)
        form = {
            "sender": args.who,
            "from": args.who,
            "recipient": tenant.email_addresses[0],
            "subject": "My stay",
            "body-plain": args.text,
            "Message-Id": f"<{secrets.token_hex(8)}@guest.local>",
            "timestamp": ts,
            "token": token,
            "signature": hmac.new(
                mail.signing_key.encode(), (ts + token).encode(), hashlib.sha256
            ).hexdigest(),
        }
        print("webhook answered", post(settings.public_url + "/webhooks/email/mailgun", form))
    print("replies arrive in a moment: scripts/guest.py outbox")
    return 0


if __name__ == "__main__":
    sys.exit(main())
