"""The structural block classifier: units, classes, context, regions, on small hand-written pages."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.boilerplate import apply_rules, load_rules
from pipeline.classifier import (
    BAD,
    GOOD,
    NEAR,
    SHORT,
    Unit,
    classify_blocks,
    classify_unit,
    drop_author_bios,
    ends_sentence,
    make_units,
    reads_as_code,
    stopword_density,
)
from pipeline.document import Document, split_lines
from pipeline.stopwords import stopwords_for

FIXTURES = Path(__file__).parent / "fixtures" / "boilerplate"
EN = stopwords_for("en")

PARAGRAPHS = [
    "The harbour town spent most of the winter arguing about whether the old lighthouse should be turned into a "
    "museum or sold to a hotel chain, and the debate filled the letters page of the local paper for weeks.",
    "In the end the council chose neither option. It voted to keep the building as it is, to repair the lamp "
    "room with money from a regional fund, and to open the tower to visitors on the first Sunday of each month.",
    "Volunteers from the sailing club have already offered to guide the tours, and the school has asked whether "
    "its pupils could paint the fence that runs along the cliff path before the first open day in the spring.",
    "Not everyone is pleased. A group of residents who had hoped for the hotel say the town is missing a chance "
    "to bring in jobs, and they have asked the council to look at the question again when the repairs are done.",
]


def doc_from(text: str) -> Document:
    return Document("id", "page.txt", "text", split_lines(text))


def removed_rules(doc: Document) -> dict[str, str]:
    return {entry["text"]: entry["rule"] for entry in doc.removed}


def test_stopword_density_counts_the_languages_stop_words():
    assert stopword_density("the cat and the dog", EN) == 0.6
    assert stopword_density("Lighthouse Museum Tickets", EN) == 0.0
    # no stop list (an unknown language): a sentence gets a stand-in density, a label none
    assert stopword_density("这是一个句子。", frozenset()) > 0
    assert stopword_density("菜单", frozenset()) == 0.0


def test_units_classes_from_length_and_density():
    cases = {
        PARAGRAPHS[0]: GOOD,
        "Home": SHORT,
        "The council chose to keep the old building and to repair the lamp room.": NEAR,
        "Lighthouse Tours Harbour Museum Cliff Path Sailing Club Winter Market Regional Fund Spring Fair": BAD,
        "News | Sport | Weather | Business | Culture | Travel | Opinion": BAD,
        "© 2024 Harbour Gazette Ltd, registered in England": BAD,
    }
    for text, expected in cases.items():
        unit = Unit(0, 1, text)
        classify_unit(unit, EN)
        assert unit.kind == expected, text


def test_inline_fragments_of_one_block_are_judged_as_one_paragraph():
    # text-tags style: every tag breaks the line, so a link inside a sentence stands alone
    doc = doc_from("The council voted to keep the\nlighthouse\nas it is, and to repair the lamp room.\nNews\nSport")
    texts = [unit.text for unit in make_units(doc)]
    assert texts == ["The council voted to keep the lighthouse as it is, and to repair the lamp room.", "News", "Sport"]


def test_menu_runs_and_footer_go_article_and_subheading_stay():
    menu = ["Home", "Local News", "Harbour Life", "Weather", "Contact Us"]
    footer = ["Most Read", "Ferry Timetable Changes", "Storm Damage Report", "Fish Market Prices", "© 2024 Gazette"]
    page = "\n\n".join([*menu, "Lighthouse saved", PARAGRAPHS[0], "What happens next", *PARAGRAPHS[1:], *footer])
    doc = classify_blocks(doc_from(page))
    text = doc.text
    for paragraph in PARAGRAPHS:
        assert paragraph in text
    assert "What happens next" in text  # a short heading between two good blocks is content
    assert "Lighthouse saved" in text  # the headline right before the article is not part of the menu
    rules = removed_rules(doc)
    for furniture in ["Local News", "Harbour Life", "Ferry Timetable Changes", "Fish Market Prices", "© 2024 Gazette"]:
        assert furniture not in text
        assert rules[furniture].startswith("classifier.")
    assert rules["Local News"] == "classifier.menu_run"


def test_a_short_list_between_paragraphs_is_kept():
    items = ["two kilos of flour", "a spoon of salt", "warm water as needed"]
    doc = classify_blocks(doc_from("\n\n".join([PARAGRAPHS[0], *items, PARAGRAPHS[1]])))
    for item in items:
        assert item in doc.text


def test_light_prose_region_apart_from_the_article_goes():
    bio = (
        "Sam writes about boats and harbours for the paper and lives on a narrowboat with two cats. Before that "
        "Sam worked for ten years as a ferry engineer and still repairs engines for friends at the weekend."
    )
    teasers = ["Ferry Timetable Changes", "Storm Damage Report", "Fish Market Prices", "Council Election Guide"]
    doc = classify_blocks(doc_from("\n\n".join([*PARAGRAPHS, *teasers, bio])))
    assert all(paragraph in doc.text for paragraph in PARAGRAPHS)
    assert bio not in doc.text
    assert removed_rules(doc)[bio] == "classifier.outside_main"


def test_a_section_of_several_paragraphs_apart_from_the_article_stays():
    table = ["Opening Hours", "Monday Tuesday Thursday", "Summer Season", "Winter Season"]
    history = [
        "The lighthouse was built in the eighteen-sixties, when the harbour was still busy with the boats that "
        "carried coal along the coast, and its first keeper lived in the tower with his wife and six children.",
        "The lamp was converted to electricity after the war, and the last keeper left in the seventies, when the "
        "light was automated and the cottage at the foot of the tower was sold to a family from the town.",
    ]
    doc = classify_blocks(doc_from("\n\n".join([*PARAGRAPHS, *PARAGRAPHS, *table, *history])))
    for paragraph in history:
        assert paragraph in doc.text
    assert "Summer Season" not in doc.text


def test_a_page_without_any_prose_is_left_alone():
    doc = classify_blocks(doc_from("Opening hours\n\nMonday to Friday\n\n9:00 to 17:00"))
    assert doc.removed == []
    assert len(doc.lines) == 3


def test_german_page_keeps_the_article_drops_the_menu():
    doc = classify_blocks(doc_from((FIXTURES / "de_verein.txt").read_text(encoding="utf-8")))
    text = doc.text
    assert "Am vergangenen Samstag haben sich mehr als dreihundert Mitglieder" in text
    assert "Ein Jahrhundert im Rückblick" in text
    assert "Der Erlös aus dem Kuchenverkauf geht in diesem Jahr" in text
    for menu in ["Mannschaften", "Jugend", "Termine"]:
        assert menu not in text.split("\n")


def test_spanish_page_keeps_the_ingredient_list():
    doc = classify_blocks(doc_from((FIXTURES / "es_receta.txt").read_text(encoding="utf-8")))
    text = doc.text
    for kept in ["Ingredientes", "cuatro patatas medianas", "sal y aceite de oliva", "se sirve templada."]:
        assert kept in text
    for menu in ["Recetas", "Postres"]:
        assert menu not in text.split("\n")


def test_classifier_can_be_switched_off(tmp_path):
    from pipeline.clean import Cleaner
    from pipeline.config import Config
    from pipeline.readers import RawDocument

    page = "\n\n".join(["Local News", "Harbour Life", "Weather Today", *PARAGRAPHS])
    raw = RawDocument("page.txt", "text", page, {})
    on = Cleaner(Config()).clean(raw)
    off = Cleaner(Config().replace("boilerplate", classifier=False)).clean(raw)
    assert "Harbour Life" not in on.text
    assert "Harbour Life" in off.text
    assert not any(entry["rule"].startswith("classifier.") for entry in off.removed)


def test_lines_removed_by_rules_still_count_as_furniture_around_what_is_left():
    # the rules take "Home" and "Search"; the two menu items left between them are not article text
    page = "\n\n".join(["Home", "Harbour Life", "Search", "Weather Desk", "Contact", *PARAGRAPHS])
    doc = Document("id", "page.txt", "text", split_lines(page))
    doc = classify_blocks(apply_rules(doc, load_rules()))
    assert "Harbour Life" not in doc.text
    assert "Weather Desk" not in doc.text
    assert all(paragraph in doc.text for paragraph in PARAGRAPHS)


def test_removed_lines_stand_in_as_empty_units_where_they_were():
    doc = doc_from("Menu\nHome\nThe ferry was ordered\nby Harbour Lines\nlast spring.\nSport\nFooter\nEnd\nLast")
    for index, rule in [(8, "footer.copyright"), (6, "repeats.corpus_line"), (3, "navigation.x"), (1, "x.y")]:
        doc.drop([index], rule)  # "Last", "Footer" (leaves no trace), a line inside a sentence, "Home"
    units = [(unit.text, unit.reason) for unit in make_units(doc)]
    removed = ("", "removed")
    assert units == [("Menu", ""), removed, ("The ferry was ordered last spring.", ""), ("Sport", ""), ("End", ""), removed]


def test_a_sentence_cut_before_a_capitalised_link_is_one_unit():
    doc = doc_from("The new ferry was ordered by\nHarbour Lines\nlast spring.\nNews\nSport")
    texts = [unit.text for unit in make_units(doc)]
    assert texts == ["The new ferry was ordered by Harbour Lines last spring.", "News", "Sport"]


def test_reads_as_code_from_its_characters():
    assert reads_as_code('session = Client(base_url="https://example.org", timeout=30)')
    assert reads_as_code("for (i = 0; i < n; i++) { total += x[i]; }")
    assert not reads_as_code(PARAGRAPHS[0])
    assert not reads_as_code("Le conseil (réuni mardi) a voté le budget de la ville pour l’année prochaine.")
    assert not reads_as_code("Startseite | Verein | Mannschaften | Kontakt")
    assert not reads_as_code("________________________________________")


def test_code_between_sentences_of_a_tutorial_is_kept_with_them():
    # a French tutorial: code blocks have few stop words, the sentences around them are short
    intro = (
        "Pour installer la bibliothèque sur votre machine, il suffit d’avoir une version récente de Python et "
        "un terminal ouvert dans le dossier du projet que vous voulez tester avant de le mettre en ligne sur le "
        "serveur de votre équipe."
    )
    outro = (
        "Le serveur répond maintenant sur le port choisi, et vous pouvez ouvrir la page dans votre navigateur pour "
        "vérifier que tout fonctionne comme prévu avant de passer à la deuxième partie de ce tutoriel, qui parle "
        "de la mise en cache."
    )
    code = [
        "pip install --user requests_cache==1.2 && python -m venv .venv",
        'session = CachedSession(backend="sqlite", expire_after=3600)',
        "server.run(host='0.0.0.0', port=8080, debug=False)",
    ]
    steps = ["Ensuite, on crée la session avec un cache sur le disque :", "Puis on lance le serveur avec la commande suivante :"]
    menu = ["Accueil", "Tutoriels", "Forum", "Contact"]
    page = [*menu, intro, code[0], steps[0], code[1], steps[1], code[2], outro, "Mentions légales", "Plan du site"]
    doc = classify_blocks(doc_from("\n\n".join(page)))
    for kept in [intro, *code, *steps, outro]:
        assert kept in doc.text
    for furniture in ["Tutoriels", "Forum", "Plan du site"]:
        assert furniture not in doc.text.split("\n")


def test_date_and_share_lines_between_standfirst_and_article_do_not_cut_it_off():
    # German news page: a standfirst, then share buttons, date and author, then the article
    standfirst = (
        "Nach dem Sturm in der Nacht zum Sonntag fehlt der Stadt das Geld für neue Stege, und die Vereine, die das "
        "Hafenfest seit Jahren mit vorbereiten, müssen sich für dieses Jahr etwas anderes einfallen lassen."
    )
    body = [
        "Der Sturm hat an der Küste mehrere Stege und einen Teil der Uferpromenade so stark beschädigt, dass die "
        "Stadt das Fest in diesem Jahr nicht wie geplant im Mai veranstalten kann, wie die Verwaltung mitteilte.",
        "Wie der Bürgermeister am Montag erklärte, sollen die Reparaturen noch vor dem Sommer beginnen. Die Kosten "
        "schätzt die Verwaltung auf mehr als eine Million Euro, die zum Teil aus einem Fonds des Landes kommen sollen.",
        "Die Vereine wollen nun im Herbst einen kleineren Markt am alten Lagerhaus organisieren, damit die Händler "
        "und die Musiker aus der Region nicht ganz leer ausgehen und die Gäste trotzdem an den Hafen kommen.",
        "Ob das Fest im nächsten Jahr wieder in der gewohnten Größe stattfinden kann, hängt nach Angaben der Stadt "
        "davon ab, wie schnell die Firmen die Arbeiten an den Stegen und an der Promenade abschließen können.",
    ]
    menu = ["Startseite", "Lokales", "Sport", "Kultur", "Wetter"]
    header = ["Teilen", "12. März 2024", "Facebook", "Anna Beispiel"]  # the rules take the share buttons
    page = [*menu, standfirst, *header, *body]
    doc = Document("id", "page.txt", "text", split_lines("\n\n".join(page)))
    doc = classify_blocks(apply_rules(doc, load_rules()))
    assert standfirst in doc.text
    assert all(paragraph in doc.text for paragraph in body)
    assert "Lokales" not in doc.text


ES_PARAGRAPHS = [
    "El ayuntamiento del pueblo decidió el martes que el antiguo mercado de pescado no se venderá a una cadena de "
    "hoteles, sino que se convertirá en un espacio para los vecinos, con talleres, una biblioteca pequeña y un café.",
    "La obra costará algo más de dos millones de euros y durará casi un año. Una parte del dinero vendrá de un fondo "
    "de la región, y el resto lo pagará el propio ayuntamiento con lo que ahorró durante los últimos ejercicios.",
    "Los pescadores que todavía usan el muelle piden que se mantenga una parte del edificio para guardar las redes, "
    "y el alcalde ha prometido que se reunirá con ellos antes del verano para estudiar cómo se puede hacer.",
]


def test_author_box_after_the_article_goes_even_above_many_comments():
    en_comments = [
        "Great piece, I walked past that lighthouse every day as a child and never knew its history.",
        "The council should have asked the people who actually live on the cliff road first, in my view.",
        "Does anyone know whether the tours will be open to wheelchair users when it opens in spring?",
        "My grandfather kept the lamp for twenty years, and he would have been very happy with this news.",
        "A hotel would have brought jobs. I hope they think again about it when the repairs are finished.",
        "Thank you for reporting on this, the national papers never cover anything from our coast at all.",
    ]
    es_comments = [
        "Por fin una buena noticia para el barrio, ya era hora de que alguien pensara en los vecinos.",
        "Mi abuela vendía sardinas en ese mercado, me alegra mucho que no lo conviertan en un hotel.",
        "¿Alguien sabe si el café será de una cooperativa o lo llevará una empresa de fuera del pueblo?",
        "Dos millones me parece mucho dinero para un edificio tan pequeño, espero que lo expliquen bien.",
        "Los pescadores tienen toda la razón, sin el muelle el pueblo no sería lo mismo para nadie.",
        "Gracias por contarlo con tanto detalle, en la radio local apenas dijeron nada sobre el tema.",
    ]
    pages = {  # capitalised job titles; the box sits above comments that outnumber the article's paragraphs
        "Lena Okafor is the Founder and Senior Editor of Harbour Notes, a weekly letter about small ports.": (
            PARAGRAPHS,
            en_comments,
        ),
        "Lucía Fernández es Periodista y fotógrafa, y escribe sobre los puertos y la pesca en la costa atlántica.": (
            ES_PARAGRAPHS,
            es_comments,
        ),
    }
    for bio, (paragraphs, comments) in pages.items():
        doc = classify_blocks(doc_from("\n\n".join([*paragraphs, bio, *comments])))
        assert all(paragraph in doc.text for paragraph in paragraphs)
        assert removed_rules(doc)[bio] == "classifier.author_bio"


def test_an_extracted_article_loses_only_an_author_bio_past_its_middle():
    """Extractor output is not classified, but a bio under the article goes; one opening the text stays."""
    bio = "Clara Weiss ist Autorin und schreibt seit zehn Jahren über Häfen, Fähren und die Küste der Ostsee."
    doc = drop_author_bios(doc_from("\n\n".join([bio, *PARAGRAPHS, bio])))
    assert [entry["rule"] for entry in doc.removed] == ["classifier.author_bio"]
    assert doc.text == "\n\n".join([bio, *PARAGRAPHS])


def test_a_passage_in_another_language_is_judged_by_its_own_stop_words():
    german = [
        "Der Verein hat am Wochenende sein neues Vereinsheim eröffnet, und zu der Feier sind mehr als zweihundert "
        "Gäste aus dem ganzen Landkreis gekommen, um sich die renovierten Räume anzusehen.",
        "Zu den Gästen gehörte auch eine Delegation aus der englischen Partnerstadt, deren Vorsitzende eine kurze "
        "Rede hielt, die wir hier im Wortlaut und in der Sprache wiedergeben, in der sie gehalten wurde.",
    ]
    english = [
        "We have been coming to this town for almost thirty years, and every time we arrive it feels as if we were "
        "coming home. This new house is a place where our two clubs can meet, and we are proud to be part of it.",
        "When the first group of our members came here in a borrowed minibus, nobody thought that the friendship "
        "would last this long, but it has, and we hope that it will go on for another thirty years at least.",
    ]
    footer = ["Impressum", "Datenschutz", "Kontakt", "Mitglied werden"]
    doc = classify_blocks(doc_from("\n\n".join(german + english + footer)))
    for paragraph in german + english:
        assert paragraph in doc.text
    assert "Impressum" not in doc.text


@settings(max_examples=300, deadline=None, database=None, derandomize=True)
@given(st.text(".!?…。！？:;\"'”’»)]a- \t", max_size=12))
def test_a_sentence_end_is_a_mark_then_only_closing_quotes_or_brackets(text):
    assert ends_sentence(text) == (re.search(r"[.!?…。！？:;][\"'”’»)\]]*$", text) is not None)
