"""The column names and status words a hotel's guest list may use, in the five languages.

A header cell is folded (`fold`: lower case, accents removed, anything but letters and
digits made one `_`) and looked up in `HEADERS`; so "Réservation", "reservation" and
"RESERVATION-" are one name, and "Date d'arrivée" is `date_d_arrivee`. The documented
English template (docs/OUTREACH.md) is the first name of each field.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

from bot.base.states import StayStatus

# field -> the names it may have (folded); the first is the template's
_NAMES: dict[str, tuple[str, ...]] = {
    "reservation": (
        "reservation",
        "reservation_id",
        "reservation_number",
        "reservation_no",
        "reservation_reference",
        "booking",
        "booking_id",
        "booking_number",
        "booking_reference",
        "confirmation_number",
        "reservierung",
        "reservierungsnummer",
        "reservierungs_nr",
        "buchung",
        "buchungsnummer",
        "buchungs_nr",
        "numero_de_reservation",
        "no_de_reservation",
        "reserva",
        "numero_de_reserva",
        "localizador",
        "prenotazione",
        "numero_prenotazione",
        "numero_di_prenotazione",
    ),
    "status": ("status", "state", "statut", "etat", "estado", "stato"),
    "arrival": (
        "arrival",
        "arrival_date",
        "check_in",
        "checkin",
        "anreise",
        "anreisedatum",
        "ankunft",
        "arrivee",
        "date_d_arrivee",
        "date_arrivee",
        "llegada",
        "fecha_de_llegada",
        "fecha_llegada",
        "entrada",
        "arrivo",
        "data_di_arrivo",
        "data_arrivo",
    ),
    "departure": (
        "departure",
        "departure_date",
        "check_out",
        "checkout",
        "abreise",
        "abreisedatum",
        "depart",
        "date_de_depart",
        "date_depart",
        "salida",
        "fecha_de_salida",
        "fecha_salida",
        "partenza",
        "data_di_partenza",
        "data_partenza",
    ),
    "first_name": (
        "first_name",
        "firstname",
        "given_name",
        "forename",
        "vorname",
        "prenom",
        "nombre",
        "nome",
    ),
    "phone": (
        "phone",
        "phone_number",
        "mobile",
        "mobile_phone",
        "mobile_number",
        "cell_phone",
        "telephone",
        "tel",
        "telefon",
        "telefonnummer",
        "handy",
        "handynummer",
        "mobil",
        "mobilnummer",
        "mobiltelefon",
        "numero_de_telephone",
        "portable",
        "telefono",
        "movil",
        "numero_de_telefono",
        "cellulare",
        "numero_di_telefono",
    ),
    "email": (
        "email",
        "e_mail",
        "mail",
        "email_address",
        "e_mail_address",
        "e_mail_adresse",
        "email_adresse",
        "courriel",
        "adresse_e_mail",
        "adresse_email",
        "correo",
        "correo_electronico",
        "posta_elettronica",
        "indirizzo_email",
        "indirizzo_e_mail",
    ),
    "language": ("language", "lang", "sprache", "langue", "idioma", "lingua"),
    "checked_out_at": (
        "checked_out_at",
        "check_out_time",
        "checkout_time",
        "abgereist_um",
        "check_out_zeit",
        "heure_de_depart",
        "hora_de_salida",
        "ora_di_partenza",
    ),
    "room_type": (
        "room_type",
        "room_category",
        "zimmertyp",
        "zimmerkategorie",
        "zimmerart",
        "type_de_chambre",
        "categorie_de_chambre",
        "tipo_de_habitacion",
        "tipo_di_camera",
        "categoria_camera",
    ),
    "booking_channel": (
        "booking_channel",
        "channel",
        "source",
        "buchungskanal",
        "kanal",
        "canal_de_reservation",
        "canal",
        "canal_de_reserva",
        "canale_di_prenotazione",
        "canale",
    ),
    "country": ("country", "land", "pays", "pais", "paese", "nazione", "nazionalita"),
}
HEADERS: dict[str, str] = {name: field for field, names in _NAMES.items() for name in names}
FIELDS = tuple(_NAMES)
REQUIRED = ("reservation", "status", "arrival", "departure")  # and phone or email

# status words (folded) -> status; the template's are the StrEnum values themselves
_STATUS_WORDS: dict[StayStatus, tuple[str, ...]] = {
    StayStatus.EXPECTED: (
        "expected",
        "confirmed",
        "reserved",
        "erwartet",
        "bestatigt",
        "attendu",
        "confirme",
        "esperado",
        "confirmado",
        "confirmada",
        "atteso",
        "confermata",
        "confermato",
    ),
    StayStatus.IN_HOUSE: (
        "in_house",
        "checked_in",
        "anwesend",
        "im_haus",
        "eingecheckt",
        "present",
        "sur_place",
        "en_casa",
        "alojado",
        "en_el_hotel",
        "in_casa",
        "presente",
        "in_hotel",
    ),
    StayStatus.CHECKED_OUT: (
        "checked_out",
        "departed",
        "abgereist",
        "ausgecheckt",
        "parti",
        "depart",
        "salido",
        "partito",
        "partita",
    ),
    StayStatus.CANCELLED: (
        "cancelled",
        "canceled",
        "storniert",
        "annule",
        "annulee",
        "cancelado",
        "cancelada",
        "anulado",
        "anulada",
        "cancellato",
        "cancellata",
        "annullato",
        "annullata",
    ),
    StayStatus.NO_SHOW: (
        "no_show",
        "noshow",
        "nicht_erschienen",
        "non_presente",
        "non_presentee",
        "no_presentado",
        "no_presentada",
        "mancata_presentazione",
    ),
}
STATUSES: dict[str, StayStatus] = {w: status for status, words in _STATUS_WORDS.items() for w in words}

# language names and codes -> language code
LANGUAGES: dict[str, str] = {
    **{code: code for code in ("en", "de", "fr", "es", "it")},
    "english": "en",
    "englisch": "en",
    "anglais": "en",
    "ingles": "en",
    "inglese": "en",
    "german": "de",
    "deutsch": "de",
    "allemand": "de",
    "aleman": "de",
    "tedesco": "de",
    "french": "fr",
    "franzosisch": "fr",
    "francais": "fr",
    "frances": "fr",
    "francese": "fr",
    "spanish": "es",
    "spanisch": "es",
    "espagnol": "es",
    "espanol": "es",
    "spagnolo": "es",
    "italian": "it",
    "italienisch": "it",
    "italien": "it",
    "italiano": "it",
}

_NOT_WORD = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """'Date d’arrivée ' -> 'date_d_arrivee'."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _NOT_WORD.sub("_", plain.lower()).strip("_")


def field_of(header: str, columns: Mapping[str, str] | None = None) -> str | None:
    """The field a header names: the tenant's own mapping (`columns`, folded header ->
    field; bot/outreach/mapping.py) first, then the built-in names."""
    folded = fold(header)
    if columns and folded in columns:
        return columns[folded]
    return HEADERS.get(folded)
