"""Language detectors: accuracy on short hotel-ish messages, no-evidence input,
language restriction, determinism and the factory.

The sentences below were written for these tests (short guest messages, 5-12 words).
"""

from __future__ import annotations

import pytest

from bot.language import detect as detect_module
from bot.language.detect import (
    SUPPORTED,
    LangdetectDetector,
    LanguageDetector,
    LinguaDetector,
    make_detector,
)

SENTENCES: dict[str, list[str]] = {
    "en": [
        "The room was clean and the bed was very comfortable.",
        "Breakfast was great but the coffee was cold.",
        "The staff at reception were really friendly.",
        "We could hear the traffic all night long.",
        "The shower had almost no hot water.",
        "Check-in took far too long this morning.",
        "I would definitely stay here again.",
        "The view from our balcony was amazing.",
        "Parking was expensive and hard to find.",
        "The wifi kept dropping in our room.",
        "Housekeeping forgot to change the towels.",
        "Thank you for the lovely birthday surprise.",
        "The pool was too crowded in the afternoon.",
        "Our room smelled of smoke when we arrived.",
        "The location is perfect for exploring the old town.",
        "Dinner at the restaurant was overpriced.",
        "The air conditioning was really noisy.",
        "Could you tell me when breakfast starts?",
        "The bathroom needs to be renovated.",
        "Everything was perfect, thanks a lot!",
        "The beds were too soft for my back.",
        "We waited twenty minutes for our luggage.",
        "The spa was relaxing and the staff were kind.",
        "There were not enough sun loungers by the pool.",
        "The hotel is a bit far from the station.",
        "My husband loved the buffet every morning.",
        "Nobody answered the phone at the front desk.",
        "The minibar was empty when we checked in.",
        "Great value for money, we will be back.",
        "The elevator was out of order for two days.",
    ],
    "de": [
        "Das Zimmer war sauber und das Bett sehr bequem.",
        "Das Frühstück war gut, aber der Kaffee war kalt.",
        "Die Mitarbeiter an der Rezeption waren sehr freundlich.",
        "Wir haben die ganze Nacht den Verkehr gehört.",
        "In der Dusche gab es kaum warmes Wasser.",
        "Der Check-in hat heute Morgen viel zu lange gedauert.",
        "Ich würde auf jeden Fall wieder hier übernachten.",
        "Die Aussicht von unserem Balkon war traumhaft.",
        "Das Parken war teuer und schwer zu finden.",
        "Das WLAN ist in unserem Zimmer ständig ausgefallen.",
        "Die Handtücher wurden nicht gewechselt.",
        "Vielen Dank für die schöne Geburtstagsüberraschung.",
        "Der Pool war am Nachmittag völlig überfüllt.",
        "Unser Zimmer roch bei der Ankunft nach Rauch.",
        "Die Lage ist ideal, um die Altstadt zu erkunden.",
        "Das Abendessen im Restaurant war zu teuer.",
        "Die Klimaanlage war wirklich sehr laut.",
        "Können Sie mir sagen, wann das Frühstück beginnt?",
        "Das Badezimmer müsste dringend renoviert werden.",
        "Es war alles perfekt, vielen Dank!",
        "Die Betten waren zu weich für meinen Rücken.",
        "Wir haben zwanzig Minuten auf unser Gepäck gewartet.",
        "Der Wellnessbereich war sehr erholsam.",
        "Es gab nicht genug Liegen am Pool.",
        "Das Hotel liegt etwas weit vom Bahnhof entfernt.",
        "Meinem Mann hat das Buffet jeden Morgen gefallen.",
        "An der Rezeption ist niemand ans Telefon gegangen.",
        "Die Minibar war bei unserer Ankunft leer.",
        "Sehr gutes Preis-Leistungs-Verhältnis, wir kommen wieder.",
        "Der Aufzug war zwei Tage lang kaputt.",
    ],
    "fr": [
        "La chambre était propre et le lit très confortable.",
        "Le petit-déjeuner était bon mais le café était froid.",
        "Le personnel de la réception était très aimable.",
        "Nous avons entendu la circulation toute la nuit.",
        "Il n'y avait presque pas d'eau chaude dans la douche.",
        "L'enregistrement a pris beaucoup trop de temps ce matin.",
        "Je reviendrais ici sans hésiter.",
        "La vue depuis notre balcon était magnifique.",
        "Le parking était cher et difficile à trouver.",
        "Le wifi coupait sans arrêt dans notre chambre.",
        "Le ménage n'a pas changé les serviettes.",
        "Merci beaucoup pour la jolie surprise d'anniversaire.",
        "La piscine était bondée l'après-midi.",
        "Notre chambre sentait la fumée à notre arrivée.",
        "L'emplacement est parfait pour visiter la vieille ville.",
        "Le dîner au restaurant était beaucoup trop cher.",
        "La climatisation faisait vraiment trop de bruit.",
        "Pouvez-vous me dire à quelle heure commence le petit-déjeuner ?",
        "La salle de bain aurait besoin d'être rénovée.",
        "Tout était parfait, merci beaucoup !",
        "Les lits étaient trop mous pour mon dos.",
        "Nous avons attendu vingt minutes pour nos bagages.",
        "Le spa était reposant et le personnel gentil.",
        "Il n'y avait pas assez de transats autour de la piscine.",
        "L'hôtel est un peu loin de la gare.",
        "Mon mari a adoré le buffet tous les matins.",
        "Personne ne répondait au téléphone à la réception.",
        "Le minibar était vide quand nous sommes arrivés.",
        "Très bon rapport qualité-prix, nous reviendrons.",
        "L'ascenseur était en panne pendant deux jours.",
    ],
    "es": [
        "La habitación estaba limpia y la cama era muy cómoda.",
        "El desayuno estuvo bien pero el café estaba frío.",
        "El personal de recepción fue muy amable.",
        "Oímos el tráfico durante toda la noche.",
        "Casi no había agua caliente en la ducha.",
        "El registro de entrada tardó demasiado esta mañana.",
        "Sin duda volvería a alojarme aquí.",
        "Las vistas desde nuestro balcón eran increíbles.",
        "El aparcamiento era caro y difícil de encontrar.",
        "El wifi se cortaba todo el tiempo en nuestra habitación.",
        "No nos cambiaron las toallas.",
        "Muchas gracias por la sorpresa de cumpleaños.",
        "La piscina estaba llena de gente por la tarde.",
        "Nuestra habitación olía a tabaco cuando llegamos.",
        "La ubicación es perfecta para conocer el casco antiguo.",
        "La cena en el restaurante era demasiado cara.",
        "El aire acondicionado hacía mucho ruido.",
        "¿Me puede decir a qué hora empieza el desayuno?",
        "El baño necesita una reforma urgente.",
        "Todo fue perfecto, ¡muchas gracias!",
        "Las camas eran demasiado blandas para mi espalda.",
        "Esperamos veinte minutos por nuestro equipaje.",
        "El spa era muy relajante y el personal muy atento.",
        "No había suficientes tumbonas en la piscina.",
        "El hotel está un poco lejos de la estación.",
        "A mi marido le encantó el bufé todas las mañanas.",
        "Nadie contestaba el teléfono en la recepción.",
        "El minibar estaba vacío cuando llegamos.",
        "Muy buena relación calidad-precio, volveremos.",
        "El ascensor estuvo averiado durante dos días.",
    ],
    "it": [
        "La camera era pulita e il letto molto comodo.",
        "La colazione era buona ma il caffè era freddo.",
        "Il personale della reception è stato molto gentile.",
        "Abbiamo sentito il traffico per tutta la notte.",
        "Nella doccia non c'era quasi acqua calda.",
        "Il check-in stamattina è durato troppo a lungo.",
        "Tornerei sicuramente in questo albergo.",
        "La vista dal nostro balcone era stupenda.",
        "Il parcheggio era caro e difficile da trovare.",
        "Il wifi nella nostra camera cadeva di continuo.",
        "Non ci hanno cambiato gli asciugamani.",
        "Grazie mille per la bella sorpresa di compleanno.",
        "Nel pomeriggio la piscina era troppo affollata.",
        "La nostra camera puzzava di fumo quando siamo arrivati.",
        "La posizione è perfetta per visitare il centro storico.",
        "La cena al ristorante era troppo cara.",
        "L'aria condizionata faceva molto rumore.",
        "Mi può dire a che ora inizia la colazione?",
        "Il bagno avrebbe bisogno di una ristrutturazione.",
        "Era tutto perfetto, grazie mille!",
        "I letti erano troppo morbidi per la mia schiena.",
        "Abbiamo aspettato venti minuti per i bagagli.",
        "La spa era rilassante e il personale molto gentile.",
        "Non c'erano abbastanza lettini in piscina.",
        "L'albergo è un po' lontano dalla stazione.",
        "A mio marito è piaciuto molto il buffet ogni mattina.",
        "Nessuno rispondeva al telefono della reception.",
        "Il minibar era vuoto quando siamo arrivati.",
        "Ottimo rapporto qualità-prezzo, torneremo.",
        "L'ascensore è rimasto guasto per due giorni.",
    ],
}

# Sentences in languages outside the supported set (for restriction tests).
DUTCH: list[str] = [
    "De kamer was schoon en het bed was heel comfortabel.",
    "Het ontbijt was lekker maar de koffie was koud.",
    "Het personeel bij de receptie was erg vriendelijk.",
    "Wij hebben de hele nacht het verkeer gehoord.",
    "Bedankt voor de mooie verjaardagsverrassing.",
]
PORTUGUESE: list[str] = [
    "O quarto estava limpo e a cama era muito confortável.",
    "O pequeno-almoço estava bom mas o café estava frio.",
    "Os funcionários da receção foram muito simpáticos.",
]

# Expected accuracy on the sentences above (argmax, any confidence).  Measured:
# lingua 150/150, langdetect 150/150; the bars leave room for library updates but
# fail if a detector is mis-wired (wrong restriction, wrong code mapping, ...).
EXPECTED_ACCURACY = {"lingua": 0.95, "langdetect": 0.85}
EXPECTED_PER_LANGUAGE = {"lingua": 0.9, "langdetect": 0.75}
NO_EVIDENCE = ["", "   ", "👍", "👍🎉😀", "12345", "4 5 10", "!!!", "?!", "…", "☺︎ :-)", "\n\t"]


@pytest.fixture(scope="module", params=["lingua", "langdetect"])
def detector(request: pytest.FixtureRequest) -> LanguageDetector:
    return make_detector(request.param)


def _accuracy(det: LanguageDetector, rows: list[tuple[str, str]]) -> float:
    hits = 0
    for text, lang in rows:
        result = det.detect(text)
        hits += result is not None and result[0] == lang
    return hits / len(rows)


def test_sentence_tables_are_big_enough() -> None:
    assert set(SENTENCES) == set(SUPPORTED)
    for lang, rows in SENTENCES.items():
        assert len(rows) >= 24, lang
        assert len(set(rows)) == len(rows), lang


def test_overall_accuracy(detector: LanguageDetector) -> None:
    rows = [(t, lang) for lang, texts in SENTENCES.items() for t in texts]
    assert _accuracy(detector, rows) >= EXPECTED_ACCURACY[detector.name]


@pytest.mark.parametrize("lang", SUPPORTED)
def test_per_language_accuracy(detector: LanguageDetector, lang: str) -> None:
    rows = [(t, lang) for t in SENTENCES[lang]]
    assert _accuracy(detector, rows) >= EXPECTED_PER_LANGUAGE[detector.name]


def test_lingua_is_confident_on_most_sentences() -> None:
    """lingua's confidence (restricted to 5 languages) is usable as a switch gate."""
    det = make_detector("lingua")
    rows = [(t, lang) for lang, texts in SENTENCES.items() for t in texts]
    confident = [det.detect(t) for t, _ in rows]
    pairs = [(r, lang) for r, (_, lang) in zip(confident, rows, strict=True) if r and r[1] >= 0.8]
    right = sum(1 for r, lang in pairs if r[0] == lang)
    wrong = sum(1 for r, lang in pairs if r[0] != lang)
    assert right / len(rows) >= 0.85
    assert wrong == 0


def test_result_shape(detector: LanguageDetector) -> None:
    result = detector.detect("The breakfast was great and the staff were friendly.")
    assert result is not None
    code, confidence = result
    assert code in SUPPORTED
    assert isinstance(confidence, float)
    assert 0.0 <= confidence <= 1.0


@pytest.mark.parametrize("text", NO_EVIDENCE)
def test_no_evidence_gives_none_or_low_confidence(detector: LanguageDetector, text: str) -> None:
    result = detector.detect(text)
    assert result is None or result[1] < 0.5


def test_lingua_one_word_replies_are_not_confident() -> None:
    det = make_detector("lingua")
    for word in ("ok", "merci", "hallo", "super"):
        result = det.detect(word)
        assert result is None or result[1] < 0.8, word


@pytest.mark.parametrize("name", ["lingua", "langdetect"])
def test_restriction_is_honoured(name: str) -> None:
    restricted = make_detector(name)
    for text in DUTCH + PORTUGUESE:
        result = restricted.detect(text)
        assert result is None or result[0] in SUPPORTED, (text, result)
    with_dutch = make_detector(name, ("en", "de", "nl"))
    results = [with_dutch.detect(t) for t in DUTCH]
    assert sum(1 for r in results if r and r[0] == "nl") >= len(DUTCH) - 1
    for text in PORTUGUESE:
        result = with_dutch.detect(text)
        assert result is None or result[0] in ("en", "de", "nl")


@pytest.mark.parametrize("name", ["lingua", "langdetect"])
def test_two_language_restriction(name: str) -> None:
    det = make_detector(name, ["fr", "it"])
    for text in SENTENCES["fr"][:10]:
        result = det.detect(text)
        assert result is not None and result[0] == "fr", text
    for text in SENTENCES["es"][:10]:  # Spanish must map onto one of the two
        result = det.detect(text)
        assert result is None or result[0] in ("fr", "it")


def test_langdetect_is_deterministic() -> None:
    det = LangdetectDetector()
    texts = ["ok", "ja", "merci", "4 stars", "the Frühstück was great", "Ciao a tutti", "sí claro"]
    first = [det.detect(t) for t in texts]
    for _ in range(3):
        assert [LangdetectDetector().detect(t) for t in texts] == first
    from langdetect import DetectorFactory

    assert DetectorFactory.seed == 0


def test_langdetect_probabilities_renormalised_over_allowed() -> None:
    det = LangdetectDetector(("en", "de"))
    result = det.detect("La habitación estaba limpia y la cama era muy cómoda.")
    assert result is None or (result[0] in ("en", "de") and 0.0 <= result[1] <= 1.0)


def test_make_detector_names() -> None:
    assert isinstance(make_detector(), LinguaDetector)
    assert isinstance(make_detector("lingua"), LinguaDetector)
    assert isinstance(make_detector("LangDetect"), LangdetectDetector)
    assert make_detector().name == "lingua"
    assert make_detector("langdetect").name == "langdetect"
    assert isinstance(make_detector(), LanguageDetector)
    assert isinstance(make_detector("langdetect"), LanguageDetector)


@pytest.mark.parametrize("name", ["nope", "", "cld3", "fasttext"])
def test_make_detector_unknown_name_raises(name: str) -> None:
    with pytest.raises(ValueError):
        make_detector(name)


@pytest.mark.parametrize("cls", [LinguaDetector, LangdetectDetector])
def test_unknown_language_code_raises(cls: type) -> None:
    with pytest.raises(ValueError):
        cls(("en", "xx"))
    with pytest.raises(ValueError):
        cls(())


def test_default_languages_are_the_supported_ones() -> None:
    assert SUPPORTED == ("en", "de", "fr", "es", "it")
    assert make_detector().languages == SUPPORTED  # type: ignore[attr-defined]
    assert LangdetectDetector().languages == SUPPORTED


def test_lingua_is_built_lazily_and_cached_per_language_set() -> None:
    key = frozenset({"en", "es", "pt"})
    detect_module._LINGUA_CACHE.pop(key, None)
    a = LinguaDetector(("en", "es", "pt"))
    b = LinguaDetector(("pt", "es", "en", "es"))
    assert key not in detect_module._LINGUA_CACHE  # nothing built yet
    assert a.detect("O quarto estava limpo e a cama era muito confortável.")[0] == "pt"  # type: ignore[index]
    built = detect_module._LINGUA_CACHE[key]
    b.detect("The room was clean.")
    assert detect_module._LINGUA_CACHE[key] is built


def test_package_is_pure_python_and_reexports_the_api() -> None:
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    code = (
        "import sys, bot.language as L\n"
        "L.make_detector().detect('The room was clean and quiet.')\n"
        "L.update_choice(L.initial_choice(supported=L.SUPPORTED, default='en'), 'Deutsch bitte',"
        " supported=L.SUPPORTED, detector=L.make_detector('langdetect'))\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('rasa', 'rasa_sdk')]\n"
        "assert not bad, bad\n"
        "for n in ('SUPPORTED', 'LanguageDetector', 'LinguaDetector', 'LangdetectDetector', 'make_detector',"
        " 'explicit_request', 'LanguageChoice', 'initial_choice', 'update_choice', 'is_substantial'):\n"
        "    assert n in L.__all__ and hasattr(L, n), n\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=root, check=True, timeout=120)
