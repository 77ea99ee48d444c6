"""PMS connectors without a network: status and field mapping, configuration, back-off."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.base.errors import ConfigError
from bot.base.settings import Secret, Settings
from bot.outreach.pms import apaleo, mews
from bot.outreach.pms.base import Backoff, Counters, Hotel, Unmappable, local_date, retry_after_seconds
from bot.outreach.pms.events import retry_delay
from bot.tenants.pms_config import parse_pms

HOTEL = Hotel(country="DE", timezone="Europe/Berlin", languages=("de", "en", "it", "fr", "es"))


def apaleo_reservation(**over):
    res = {
        "id": "XPGMSXGF-1",
        "bookingId": "XPGMSXGF",
        "status": "Confirmed",
        "arrival": "2026-03-28T15:00:00+01:00",
        "departure": "2026-03-30T11:00:00+02:00",
        "channelCode": "BookingCom",
        "unitGroup": {"id": "MUC-DBL", "code": "DBL", "name": "Double"},
        "property": {"id": "MUC"},
        "primaryGuest": {
            "firstName": "Anna",
            "lastName": "Muster",
            "email": "Anna.Muster@Example.org",
            "phone": "0170 1234567",
            "preferredLanguage": "de",
            "address": {"countryCode": "AT"},
        },
    }
    res.update(over)
    return res


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        ("Confirmed", "expected"),
        ("InHouse", "in_house"),
        ("CheckedOut", "checked_out"),
        ("Canceled", "cancelled"),
        ("NoShow", "no_show"),
    ],
)
def test_apaleo_statuses(raw, status):
    assert apaleo.to_stay(apaleo_reservation(status=raw), HOTEL, Counters()).status == status


def test_apaleo_fields():
    stay = apaleo.to_stay(
        apaleo_reservation(status="CheckedOut", checkOutTime="2026-03-30T10:12:00+02:00"), HOTEL, Counters()
    )
    assert stay.reservation == "XPGMSXGF-1"
    assert (stay.arrival, stay.departure) == ("2026-03-28", "2026-03-30")
    assert stay.phone == "+491701234567"  # the hotel's country is the default region
    assert stay.email == "anna.muster@example.org" and stay.first_name == "Anna"
    assert stay.language == "de" and stay.country == "AT"
    assert stay.room_type == "DBL" and stay.booking_channel == "BookingCom"
    assert stay.checked_out_at == datetime(2026, 3, 30, 8, 12, tzinfo=UTC).timestamp()


def test_apaleo_unknown_status_and_no_contact_are_unmappable():
    with pytest.raises(Unmappable, match="unknown_status"):
        apaleo.to_stay(apaleo_reservation(status="Tentative"), HOTEL, Counters())
    guest = {"firstName": "Anna", "phone": "not a number", "email": "nope"}
    counters = Counters()
    with pytest.raises(Unmappable, match="no_contact"):
        apaleo.to_stay(apaleo_reservation(primaryGuest=guest), HOTEL, counters)
    assert counters.skipped == {"dropped_phone": 1, "dropped_email": 1}


def test_apaleo_bad_phone_is_dropped_the_address_kept():
    guest = {"phone": "12", "email": "a@example.org", "preferredLanguage": "xx"}
    counters = Counters()
    stay = apaleo.to_stay(apaleo_reservation(primaryGuest=guest), HOTEL, counters)
    assert stay.phone is None and stay.email == "a@example.org" and stay.language is None
    assert counters.skipped == {"dropped_phone": 1, "dropped_language": 1}


def test_apaleo_webhook_event_shapes():
    body = {
        "id": "ev-1",
        "topic": "Reservation",
        "type": "checked-out",
        "accountId": "RAPP",
        "propertyId": "MUC",
        "timestamp": 1,
        "data": {"entityId": "XPGMSXGF-1"},
    }
    ev = apaleo.webhook_event(body, {})
    assert (ev.id, ev.type, ev.entity) == ("ev-1", "reservation/checked-out", "XPGMSXGF-1")
    assert apaleo.webhook_event({**body, "topic": "system", "type": "healthcheck"}, {}) is None
    assert apaleo.webhook_event(body, {"property_id": "BER"}) is None
    for bad in (
        {**body, "id": ""},
        {**body, "data": {}},
        {**body, "data": "x"},
        [body],
        {**body, "id": "x" * 101},
    ):
        with pytest.raises(ValueError):
            apaleo.webhook_event(bad, {})


def mews_reservation(**over):
    res = {
        "Id": "5b2c1e1c-0000-4000-8000-000000000001",
        "Number": "1234",
        "State": "Confirmed",
        "AccountId": "c1",
        "AccountType": "Customer",
        "ScheduledStartUtc": "2026-10-24T22:30:00Z",  # 00:30 on the 25th in Berlin (CEST)
        "ScheduledEndUtc": "2026-10-26T10:00:00Z",
        "Origin": "Distributor",
        "UpdatedUtc": "2026-10-20T10:00:00Z",
    }
    res.update(over)
    return res


CUSTOMER = {
    "Id": "c1",
    "FirstName": "Luca",
    "Email": "luca@example.it",
    "Phone": "+39 041 520 0000",
    "LanguageCode": "it-IT",
    "NationalityCode": "IT",
}


@pytest.mark.parametrize(
    ("state", "reason", "status"),
    [
        ("Inquired", None, "expected"),
        ("Optional", None, "expected"),
        ("Confirmed", None, "expected"),
        ("Started", None, "in_house"),
        ("Processed", None, "checked_out"),
        ("Canceled", None, "cancelled"),
        ("Canceled", "NoShow", "no_show"),
    ],
)
def test_mews_states(state, reason, status):
    res = mews_reservation(State=state, CancellationReason=reason)
    assert mews.to_stay(res, CUSTOMER, HOTEL, Counters()).status == status


def test_mews_fields_dates_are_the_hotels_calendar_days():
    stay = mews.to_stay(
        mews_reservation(State="Processed", ActualEndUtc="2026-10-26T09:40:00Z"), CUSTOMER, HOTEL, Counters()
    )
    assert stay.reservation == "1234"
    assert (stay.arrival, stay.departure) == ("2026-10-25", "2026-10-26")
    assert stay.phone == "+390415200000" and stay.email == "luca@example.it"
    assert stay.language == "it" and stay.country == "IT" and stay.first_name == "Luca"
    assert stay.booking_channel == "Distributor"
    assert stay.checked_out_at == datetime(2026, 10, 26, 9, 40, tzinfo=UTC).timestamp()


def test_mews_company_owner_has_no_contact():
    with pytest.raises(Unmappable, match="no_contact"):
        mews.to_stay(mews_reservation(AccountType="Company"), None, HOTEL, Counters())


def test_local_date_across_the_dst_change():
    assert local_date("2026-03-29T00:30:00Z", "Europe/Berlin") == "2026-03-29"
    assert local_date("2026-03-28T23:30:00Z", "Europe/Berlin") == "2026-03-29"  # 00:30 CET
    assert local_date("2026-03-28T22:30:00Z", "Europe/Berlin") == "2026-03-28"
    assert local_date("2026-03-28", "Europe/Berlin") == "2026-03-28"
    with pytest.raises(Unmappable):
        local_date("soon", "Europe/Berlin")


# ---- configuration --------------------------------------------------------------------------


def test_pms_section_refuses_credentials_and_odd_values():
    assert parse_pms("alpenhof", None) is None
    cfg = parse_pms("alpenhof", {"kind": "apaleo", "client_id": "RAPP-AC", "property_id": "MUC"})
    assert cfg.kind == "apaleo" and dict(cfg.options) == {"client_id": "RAPP-AC", "property_id": "MUC"}
    for bad in (
        {"kind": "apaleo", "client_secret": "x"},
        {"kind": "mews", "access_token": "x"},
        {"kind": "Apaleo!"},
        {"client_id": "x"},
        {"kind": "mews", "window_minutes": [1]},
        "apaleo",
    ):
        with pytest.raises(ConfigError):
            parse_pms("alpenhof", bad)


def test_secrets_come_from_the_environment():
    settings = Settings.from_env(
        {
            "RAPPORT_GUEST_KEY": "k" * 32,
            "RAPPORT_DATA_KEY": "d" * 32,
            "RAPPORT_ACTION_TOKEN": "a" * 32,
            "RAPPORT_PMS_ALPENHOF_CLIENT_SECRET": "s3cret",
        }
    )
    assert settings.pms_secret("alpenhof", "client_secret").value == "s3cret"
    assert settings.pms_secret("laguna", "client_secret") is None
    assert "s3cret" not in repr(settings)
    with pytest.raises(ConfigError, match="CLIENT_SECRET"):
        apaleo.options("alpenhof", {"client_id": "RAPP-AC"}, None)
    with pytest.raises(ConfigError, match="client_id"):
        apaleo.options("alpenhof", {}, Secret("x"))
    with pytest.raises(ConfigError, match="ACCESS_TOKEN"):
        mews.options("laguna", {}, lambda name: Secret("x") if name == "client_token" else None)
    with pytest.raises(ConfigError, match="window_minutes"):
        mews.options("laguna", {"window_minutes": 0}, lambda name: Secret("x"))
    opts = mews.options("laguna", {"window_minutes": 15, "overlap_seconds": 60}, lambda name: Secret("x"))
    assert (opts.window, opts.overlap, opts.initial) == (900.0, 60.0, 86400.0)


# ---- back-off -------------------------------------------------------------------------------


def test_backoff_doubles_with_jitter_and_honours_retry_after_up_to_the_cap():
    b = Backoff(attempts=5, base=1.0, cap=10.0)
    for attempt, full in ((1, 1.0), (2, 2.0), (3, 4.0), (4, 8.0), (5, 10.0), (9, 10.0)):
        for _ in range(20):
            assert full / 2 <= b.delay(attempt) <= full
    assert (
        b.delay(1, retry_after=3) == 3
        and b.delay(1, retry_after=120) == 10
        and b.delay(1, retry_after=-1) == 0
    )


def test_retry_after_header_forms():
    assert retry_after_seconds("7") == 7.0
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:10 GMT", now=1445412480.0) == 10.0
    assert retry_after_seconds("soon") is None and retry_after_seconds(None) is None


def test_failed_events_wait_longer_each_time():
    assert [retry_delay(n) for n in (1, 2, 3, 4)] == [30.0, 120.0, 480.0, 1920.0]
    assert retry_delay(20) == 6 * 3600
