"""Issue 4: title, authors, publisher and date from the text's structure and from page metadata.

Fixtures in tests/fixtures/metadata/ are written for these tests (English, German, French,
Spanish); expected.json holds what each must give, read off the texts by hand.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import clean_dir

from pipeline.boilerplate import apply_rules, load_rules
from pipeline.clean import METADATA_STAGES, Cleaner, to_record
from pipeline.config import Config
from pipeline.document import Document, split_lines
from pipeline.extract import extract_html
from pipeline.metadata import (
    DATE_FORMS,
    byline_names,
    clean_authors,
    clean_date,
    find_bios_below_headings,
    find_bylines,
    find_date,
    find_datelines,
    find_source_lines,
    find_title,
    is_name,
)
from pipeline.readers import RawDocument

FIXTURES = Path(__file__).parent / "fixtures" / "metadata"
EXPECTED = json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8"))


def document(text: str) -> Document:
    return Document("id", "test.txt", "text", split_lines(text))


@pytest.fixture(scope="module")
def records(tmp_path_factory) -> dict:
    output = tmp_path_factory.mktemp("metadata-out")
    inputs = [FIXTURES / name for name in EXPECTED]
    return {record["source"]: record for record in clean_dir(inputs, output)["corpus"]}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_fields(records, name):
    record = records[name]
    got = {field: record[field] for field in ("title", "authors", "publisher", "date", "language")}
    assert got == EXPECTED[name]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_metadata_lines_leave_the_text_and_body_lines_stay(records, name):
    record = records[name]
    text = record["text"]
    for field in ("title", "publisher"):
        if record[field]:
            assert record[field] not in text.split("\n")
    for author in record["authors"]:
        assert not any(line.startswith(("By ", "Von ", "Par ", "Por ")) and author in line for line in text.split("\n"))
    source = (FIXTURES / name).read_text(encoding="utf-8")
    for sentence_start in ("By the end of the year", "By Monday", "Von Montag", "Von der Leyen", "Par ailleurs",
                           "Por eso", "Updated guidelines were issued", "Published in 1998", "Posted 04/05/2021"):
        if sentence_start in source:
            assert sentence_start in text, sentence_start
    metadata_rules = {entry["rule"] for entry in record["removed"] if entry["rule"].startswith("metadata.")}
    assert metadata_rules <= {"metadata.title", "metadata.byline", "metadata.dateline", "metadata.source_line"}


@pytest.mark.parametrize(
    ("line", "names"),
    [
        ("Jane Doe and John Roe", ["Jane Doe", "John Roe"]),
        ("Jane Doe, John Roe", ["Jane Doe", "John Roe"]),
        ("Ana Lima, Rui Costa and Eva Braga", ["Ana Lima", "Rui Costa", "Eva Braga"]),
        ("Jane Doe | Staff Writer", ["Jane Doe"]),
        ("Jane Doe, Reporter", ["Jane Doe"]),
        ("Jane Doe, Global News, Toronto", ["Jane Doe"]),
        ("Jane Doe for The Evening Courier", ["Jane Doe"]),
        ("Jane Doe jdoe@example.org", ["Jane Doe"]),
        ("Jane Doe Feb 8, 2020 5 min read", ["Jane Doe"]),
        ("Jane Doe - January 10, 2020", ["Jane Doe"]),
        ("Katrin Albers und Jonas Weber, dpa", ["Katrin Albers", "Jonas Weber"]),
        ("Camille Fontaine et Hugo Marchal", ["Camille Fontaine", "Hugo Marchal"]),
        ("María José Herrera y Luis Campos", ["María José Herrera", "Luis Campos"]),
        ("Beatriz Moura e Rui Tavares", ["Beatriz Moura", "Rui Tavares"]),
        ("Giulia Ferri, Marco Bassi e Elena Conti", ["Giulia Ferri", "Marco Bassi", "Elena Conti"]),
        ("Robert Smith Jr.", ["Robert Smith Jr."]),
        ("T. K. Lindqvist", ["T. K. Lindqvist"]),
        ("Jean-Luc van der Berg", ["Jean-Luc van der Berg"]),
        ("the end of the year", []),
        ("Monday, crews had finished", []),
        ("The Associated Press", []),
        ("Reuters", []),
        ("JANE DOE", []),
        ("How To Repot an Orchid", []),
    ],
)
def test_byline_names(line, names):
    assert byline_names(line) == names


def test_is_name_needs_two_capitalised_words():
    assert is_name("Ngozi Adeyemi") and is_name("Chloé Dubois-Martin") and is_name("Seán Ó Briain")
    assert not is_name("Adeyemi") and not is_name("ngozi adeyemi") and not is_name("Ngozi Adeyemi said")
    assert not is_name("Global News") and not is_name("Ministry of Health")


def test_first_byline_gives_the_authors_and_teasers_of_other_articles_do_not():
    """Teaser bylines go too (else a second cleaning would take the first of them for the byline)."""
    doc = find_bylines(document(
        "Headline Goes Here\n\nBy Ana Lima\n\nBody text of the article.\n\nBy Ana Lima\n\n"
        "More stories\n\nBy Rui Costa\n\nBy\nEva Braga"
    ))
    assert doc.metadata["authors"] == ["Ana Lima"]
    assert [e["text"] for e in doc.removed] == ["By Ana Lima", "By Ana Lima", "By Rui Costa", "By", "Eva Braga"]
    assert doc.text == "Headline Goes Here\n\nBody text of the article.\n\nMore stories"


def test_prefix_alone_on_its_line():
    doc = find_bylines(document("By\nEva Braga\n\nThe article starts here and goes on."))
    assert doc.metadata["authors"] == ["Eva Braga"] and doc.text == "The article starts here and goes on."


def test_long_sentence_after_a_name_is_not_a_byline():
    doc = find_bylines(document("By Jane Doe, the mayor of the town, who said the plan would be ready by next spring."))
    assert doc.metadata["authors"] == [] and not doc.removed


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("March 3, 2021", "en", "2021-03-03"),
        ("Mar. 3rd, 2021", "en", "2021-03-03"),
        ("Thursday, 3 March 2021, 10:12", "en", "2021-03-03"),
        ("2021-03-03T10:00:00Z", "en", "2021-03-03"),
        ("3. März 2021", "de", "2021-03-03"),
        ("12.03.2021, 14:05 Uhr", "de", "2021-03-12"),
        ("5 mai 2022 à 10h12", "fr", "2022-05-05"),
        ("1er août 2019", "fr", "2019-08-01"),
        ("3 de mayo de 2022", "es", "2022-05-03"),
        ("03/05/2022 20:36", "es", "2022-05-03"),
        ("13/05/2021", "en", "2021-05-13"),
        ("05/13/2021", "en", "2021-05-13"),
        ("04/05/2021", "en", None),  # April 5th or 4 May: not confident
        ("Feb 30, 2021", "en", None),
        ("March 2021", "en", None),
        ("in 1998", "en", None),
        ("3 March 21", "en", None),
    ],
)
def test_find_date(text, language, expected):
    found = find_date(text, language)
    assert (found[0] if found else None) == expected


def test_every_date_form_requires_a_four_digit_year():
    # find_date skips a text without four digits in a row, which no form could match then
    for pattern, _ in DATE_FORMS:
        assert re.search(r"\(\\d\{4\}\)(?![?*]|\{0)", pattern.pattern), pattern.pattern


@pytest.mark.parametrize(
    ("line", "date"),
    [
        ("Published March 3, 2021 at 9:14 a.m. ET | Updated March 4, 2021", "2021-03-03"),
        ("PUBLISHED: 22:00 GMT, 26 September 2020 | UPDATED: 08:39 GMT, 28 September 2020", "2020-09-26"),
        ("Last updated 04 Jun 2020, originally created 17 Jun 2019", "2020-06-04"),
        ("Veröffentlicht am 12.03.2021", "2021-03-12"),
        ("Stand: 03.03.2021 10:15 Uhr", "2021-03-03"),
        ("Mis à jour le 6 mai 2022 à 08h00", "2022-05-06"),
        ("Actualizado: 03/05/2022 20:36", "2022-05-03"),
        ("Pubblicato il 4 marzo 2021 Ultima modifica 5 marzo 2021 ore 10:00", "2021-03-04"),
        ("Atualizado em 2 de fevereiro de 2023", "2023-02-02"),
        ("Gepubliceerd op 05.01.2022", "2022-01-05"),
        ("opublikowano: 12 maja 2020 10:30", "2020-05-12"),
        ("Published 3 May 2022 Updated 4 May 2022", "2022-05-03"),
        ("Published 3 May 2022 and read by thousands of people since then", None),
        ("Updated guidelines were issued on March 3, 2021.", None),
        ("Published in 1998, the survey is still used.", None),
        ("Standing ovation on March 3, 2021", None),
    ],
)
def test_datelines(line, date):
    doc = find_datelines(document(f"{line}\n\nThe first paragraph of the article."))
    assert doc.metadata.get("date") == date
    assert (line in doc.text) == (date is None)


def test_publication_date_wins_over_a_bare_date_and_an_update():
    doc = find_datelines(document("Updated May 2, 2022\n\nWednesday, May 4, 2022\n\nPosted on April 30, 2022\n\nBody."))
    assert doc.metadata["date"] == "2022-04-30"
    doc = find_datelines(document("Updated May 2, 2022\n\nWednesday, May 4, 2022\n\nBody."))
    assert doc.metadata["date"] == "2022-05-04"


@pytest.mark.parametrize("header", ["Von Lea Roth | Aktualisiert am 04.05.2022\nVeröffentlicht am 01.05.2022",
                                    "Published 1 May 2022\nBy Lea Roth | Last updated May 4, 2022"])
def test_an_update_date_in_a_byline_does_not_beat_the_publication_date(header):
    doc = Document("id", "test.txt", "text", split_lines(f"{header}\n\nThe first paragraph of the article."))
    for stage in METADATA_STAGES:
        doc = stage(doc)
    assert doc.metadata["date"] == "2022-05-01" and doc.metadata["authors"] == ["Lea Roth"]


def test_a_bare_date_counts_only_near_the_top():
    lines = "\n\n".join(["Intro."] * 8 + ["March 3, 2021"])
    assert "date" not in find_datelines(document(lines)).metadata


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("A Headline About the Harbour\n\nA first paragraph that is long enough to be the start of the article, "
         "with more than twenty words in it so that it counts as body text.", "A Headline About the Harbour"),
        ("A Headline About the Harbour\n\nBy Ana Lima\n\nShort.", "A Headline About the Harbour"),
        ("Who Is to Blame for the Delays?\n\nPublished March 3, 2021\n\nShort.", "Who Is to Blame for the Delays?"),
        ("Recent posts from our team\n\nGarden tips\n\nKitchen ideas\n\nSmall repairs\n\nPaint\n\nA long paragraph "
         "that comes too late to make the first line a headline, because menus come before it.", None),
        ("The council met on Monday.\n\nIt decided to repair the bridge before the winter, which everyone welcomed "
         "after so many years of waiting for a decision from the town hall.", None),
        ("It rained. Then it stopped\n\nBy Ana Lima", None),
        ("March 3, 2021\n\nBy Ana Lima", None),
        ("Ana Lima\n\nBy Rui Costa", None),
        ("single\n\nBy Ana Lima", None),
        ("A Headline About the Harbour\nstill the same block\n\nBy Ana Lima", None),
    ],
)
def test_title_from_the_first_line(text, title):
    assert find_title(document(text)).metadata.get("title") == title


def test_title_given_by_the_page_removes_its_line():
    doc = document("Page Title Here\n\nBody text.")
    doc.metadata["title"] = "Page Title Here"
    doc = find_title(doc)
    assert doc.metadata["title"] == "Page Title Here" and doc.text == "Body text."


@pytest.mark.parametrize(
    ("line", "publisher"),
    [
        ("Source: Harbour Gazette", "Harbour Gazette"),
        ("Quelle: dpa", "dpa"),
        ("Fuente: Agencia Andina.", "Agencia Andina"),
        ("Source: own calculations", None),
        ("Source: https://example.org/report", None),
        ("Photo source: Harbour Gazette", None),
        ("Source: Getty Images", None),
        ("Source: The committee published its findings in a long report that nobody read", None),
    ],
)
def test_source_lines(line, publisher):
    doc = find_source_lines(document(f"Body text.\n\n{line}"))
    assert doc.metadata.get("publisher") == publisher


def test_a_source_line_inside_the_article_credits_a_chart_not_the_page():
    body = "\n\n".join(f"Paragraph {i} of the article." for i in range(8))
    doc = find_source_lines(document(f"{body}\n\nSource: National Statistics Office\n\n{body}"))
    assert "publisher" not in doc.metadata


def test_a_run_of_edge_metadata_lines_goes_whole():
    """Lines of a run count by the lines kept around them, so a second cleaning finds none left."""
    body = "\n\n".join(f"Paragraph {i} of the article." for i in range(8))
    doc = find_datelines(document("\n\n".join(["3 March 2024"] * 10) + f"\n\n{body}"))
    assert doc.text == body and doc.metadata["date"] == "2024-03-03"
    doc = find_source_lines(document(f"{body}\n\n" + "\n\n".join(f"Source: Agency {i}" for i in range(10))))
    assert doc.text == body and doc.metadata["publisher"] == "Agency 0"


def test_page_metadata_from_html():
    html = """<html><head>
    <title>Harbour plan approved | The Evening Courier</title>
    <meta property="og:title" content="Harbour plan approved">
    <meta property="og:site_name" content="The Evening Courier">
    <meta property="article:published_time" content="2021-03-03T09:14:00+00:00">
    <script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle",
      "headline": "Harbour plan approved", "datePublished": "2021-03-03T09:14:00+00:00",
      "author": [{"@type": "Person", "name": "Jane Okafor"}, {"@type": "Person", "name": "Tom Reyes"}]}</script>
    </head><body><article><h1>Harbour plan approved</h1>
    <p>The harbour authority voted on Tuesday evening to dredge the old shipping channel, a project that has been
    debated for almost a decade and that supporters say will bring larger cargo vessels back to the quays.</p>
    <p>Opponents argued that the work would disturb contaminated sediment and asked for an independent study.</p>
    </article></body></html>"""
    _, metadata, method = extract_html(html)
    assert method == "trafilatura"
    assert metadata["title"] == "Harbour plan approved"
    assert metadata["authors"] == ["Jane Okafor", "Tom Reyes"]
    assert metadata["publisher"] == "The Evening Courier"
    assert metadata["date"] == "2021-03-03"


def test_a_date_only_mentioned_in_the_article_is_not_the_page_date():
    html = """<html><head><title>A short history of the mill</title></head><body><article>
    <h1>A short history of the mill</h1>
    <p>The water mill on the brook was built in the spring of 1830 and ground flour for the village for more than a
    century, until a flood on 21 September 2009 broke its wheel and the owners closed it for good.</p>
    <p>Volunteers have since restored the building, and it now opens to visitors on the first Sunday of each month.</p>
    </article></body></html>"""
    _, metadata, _ = extract_html(html)
    assert "date" not in metadata


def test_a_title_given_by_the_input_is_repaired_like_the_text_and_its_line_leaves_the_body(tmp_path):
    body = "The ferry company cut its winter sailings from six to four a day, a spokesperson said on Friday."
    record = {"title": " Itâ€™s winter &amp; ferries\ncut back ", "text": f"Itâ€™s winter &amp; ferries cut back\n\n{body}"}
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    [cleaned] = clean_dir([tmp_path / "in"], tmp_path / "out")["corpus"]
    assert cleaned["title"] == "It’s winter & ferries cut back"
    assert cleaned["text"] == body


@pytest.mark.parametrize("top", ["", "Home | People | Places\n\n"])
def test_a_page_about_a_person_is_not_an_author_box(top):
    text = (
        f"{top}Grace Hopper\n\nGrace Hopper was an American computer scientist who led the team that wrote one of "
        "the first compilers.\n\nShe later served in the navy until the age of seventy-nine, and she popularised "
        "the word 'debugging' for fixing faults in a program."
    )
    record = to_record(Cleaner(Config()).clean(RawDocument("p.txt", "text", text, {"detected": "utf-8"})))
    assert record["authors"] == []
    assert record["text"].startswith("Grace Hopper\n\nGrace Hopper was an American computer scientist")


def test_an_author_box_below_a_headline_still_goes():
    text = (
        "Rain Returns to the Valley\n\nNoor Haddad\nNoor Haddad is a reporter who covers farming.\n\n"
        "After three dry months the first heavy rain fell on the valley overnight, filling the reservoirs and "
        "bringing relief to farmers who had been carting water to their fields since June."
    )
    record = to_record(Cleaner(Config()).clean(RawDocument("p.txt", "text", text, {"detected": "utf-8"})))
    assert record["authors"] == ["Noor Haddad"]
    assert record["text"].startswith("After three dry months")


def test_page_authors_and_dates_are_cleaned():
    assert clean_authors(["By Jane Okafor", "Newsroom Staff", "Tom Reyes, Reporter", "jane okafor"]) == [
        "Jane Okafor", "Tom Reyes"]
    assert clean_date("2021-03-03T09:14:00+00:00") == "2021-03-03"
    assert clean_date("2004-01-01") is None  # a year alone, padded by the date finder
    assert clean_date("March 2021") is None and clean_date(None) is None


@pytest.mark.parametrize(
    "heading, bio",
    [
        ("About the author", "Priya Natarajan has covered city hall for eleven years and teaches a night class in reporting."),
        ("Über die Autorin", "Anna Weber ist Redakteurin im Ressort Wissen und schreibt über Klima und Landwirtschaft."),
    ],
)
def test_the_bio_right_below_an_about_the_author_heading_goes(heading, bio):
    paragraph = "The report will be published in full next week, the council said."
    doc = apply_rules(Document("id", "p.txt", "text", split_lines("\n\n".join([paragraph, heading, bio]))), load_rules())
    doc = find_bios_below_headings(doc)
    assert doc.text == paragraph
    assert {entry["rule"] for entry in doc.removed} == {"author_box.about_author", "author_box.bio_below_heading"}


def test_a_paragraph_below_an_about_the_author_heading_that_is_no_bio_stays():
    text = "About the author\n\nthe story of how the book came to be written is told in the last chapter."
    doc = find_bios_below_headings(apply_rules(Document("id", "p.txt", "text", split_lines(text)), load_rules()))
    assert doc.text.startswith("the story of how")


@pytest.mark.parametrize(
    "line",
    [
        "Written by Margaret Oyelaran in 1943, the diaries were lost.",
        "Von Karl Albrecht 1898 gegründet, beschäftigt die Brauerei heute 40 Menschen.",
        "By Ines Moreau, the council said, the market would move.",
    ],
)
def test_a_sentence_that_goes_on_after_the_name_is_no_byline(line):
    doc = find_bylines(document(f"{line}\n\nThe rest of the story follows in this paragraph."))
    assert doc.metadata["authors"] == [] and not doc.removed


@pytest.mark.parametrize(
    ("line", "authors"),
    [
        ("By Ines Moreau, staff writer.", ["Ines Moreau"]),
        ("By Ines Moreau and Tom Lee in Lagos and Abuja", ["Ines Moreau", "Tom Lee"]),
        ("Von Karl Albrecht, 3. Mai 2022", ["Karl Albrecht"]),
    ],
)
def test_a_byline_with_a_role_a_place_or_a_date_after_the_names_is_one(line, authors):
    doc = find_bylines(document(f"{line}\n\nThe rest of the story follows in this paragraph."))
    assert doc.metadata["authors"] == authors and [entry["text"] for entry in doc.removed] == [line]


BODY_SENTENCES = [f"Paragraph {n} of the article tells a part of the long story of the harbour." for n in range(8)]


def test_a_name_sentence_between_sentences_of_the_article_stays():
    """Inside the article, 'Written by NAME.' is a sentence of it; near an edge, or without a full stop, a byline."""
    middle = "Written by Thomas Hale."
    inside = "\n\n".join([*BODY_SENTENCES[:6], middle, *BODY_SENTENCES[6:], *BODY_SENTENCES[:4]])
    doc = find_bylines(document(inside))
    assert middle in doc.text.split("\n\n") and not doc.removed
    near_top = "\n\n".join([*BODY_SENTENCES[:2], middle, *BODY_SENTENCES])
    assert [entry["text"] for entry in find_bylines(document(near_top)).removed] == [middle]
    teaser = "\n\n".join([*BODY_SENTENCES[:6], "By Thomas Hale", *BODY_SENTENCES])
    assert [entry["text"] for entry in find_bylines(document(teaser)).removed] == ["By Thomas Hale"]


@pytest.mark.parametrize(
    ("line", "date", "authors"),
    [
        ("Nov 12 2019 by Lea Roth", "2019-11-12", ["Lea Roth"]),
        ("12.11.2019 | Von Lea Roth und Ana Lima", "2019-11-12", ["Lea Roth", "Ana Lima"]),
        ("12 de novembro de 2019, 08:15 h Atualizado em 13 de novembro de 2019, 09:40", "2019-11-12", []),
        ("Nov 12 2019 by the harbour wall", None, []),
        ("Nov 12 2019 the ferry stopped running", None, []),
    ],
)
def test_a_date_line_with_a_byline_or_an_update_after_the_date(line, date, authors):
    """A date line near the top may go on with a byline or an update line; never with other words."""
    doc = find_datelines(document(f"{line}\n\nThe first paragraph of the article."))
    assert doc.metadata.get("date") == date and doc.metadata.get("authors", []) == authors
    assert (line in doc.text) == (date is None)
    assert find_title(document(f"{line}\n\nBy Ana Lima")).metadata.get("title") is None  # a date: no headline


PARAGRAPH = (
    "The ferry company said on Monday that the crossings would resume next week, once the harbour walls have "
    "been checked by engineers from the port authority."
)


def test_a_headline_below_the_menus_is_found_and_the_menus_stay():
    """The headline may stand below a menu (which the classifier removes later, with it if left in place)."""
    text = "\n\n".join(["Home", "News", "Sport", "Harbour Reopens After the Winter Storms", "By Ana Lima", PARAGRAPH])
    doc = find_title(document(text))
    assert doc.metadata["title"] == "Harbour Reopens After the Winter Storms"
    assert doc.text.split("\n\n")[:3] == ["Home", "News", "Sport"] and PARAGRAPH in doc.text


def test_below_other_lines_a_headline_needs_a_byline_or_a_date_line():
    """Right above the first paragraph, below other lines, stands as often a label or a caption."""
    assert "title" not in find_title(document("\n\n".join(["Home", "News", "Picture of the Week", PARAGRAPH]))).metadata


def test_no_headline_inside_the_article():
    """Only lines above the first paragraph may be the headline: a subheading further down is none."""
    text = "\n\n".join(["Home", "News", PARAGRAPH, "What the Engineers Found", PARAGRAPH])
    assert "title" not in find_title(document(text)).metadata


@pytest.mark.parametrize(
    "line",
    [
        "OUVIR ESTA NOTÍCIA",  # a kicker or a button in capitals
        "BERLIN —",  # a dateline opening the first paragraph
        "Zucker 12 g",  # a row of a nutrition table
        "Español (España)",  # a language menu
        "Discussion board (DE)",
        "The Harbour Gazette is funded by readers and local sponsors",
        "Politique 4 mai 2022",  # a section and a date
        "Fishermen mend their nets at dawn. (Photo: Port Archive)",  # a caption with its credit
        "Ana Lima / Harbour Times / Reuters",  # a picture credit
        "Ana Lima, Rui Costa",  # the authors
        "Newsletter abonnieren",  # two words: a button or a menu entry
    ],
)
def test_furniture_shaped_like_a_headline_is_none(line):
    doc = find_title(document(f"{line}\n\n{PARAGRAPH}"))
    assert "title" not in doc.metadata and line in doc.text


@pytest.mark.parametrize(
    "following",
    [
        ["Ferry Timetable For the Coming Week", PARAGRAPH],  # a second headline-like line: a teaser, a standfirst
        ["Weather", "Culture", PARAGRAPH],  # a menu goes on with more short lines
    ],
)
def test_a_headline_is_followed_by_its_article_not_by_more_short_lines(following):
    doc = find_title(document("\n\n".join(["Harbour Reopens After the Winter Storms", *following])))
    assert "title" not in doc.metadata


def test_a_headline_after_a_date_line_of_any_form():
    text = "\n\n".join(["Harbour Reopens After the Winter Storms", "Lokales | 4. Mai 2022, 10:30 Uhr", PARAGRAPH])
    assert find_title(document(text)).metadata["title"] == "Harbour Reopens After the Winter Storms"


def test_a_later_cleaning_round_takes_no_second_title_from_below():
    """Headline, byline, standfirst: the headline is ambiguous (the standfirst could be one too), so none is
    taken; before, the headline went in the first round and the standfirst as a second title in the next."""
    standfirst = "Engineers Say the Walls Held Better Than Expected"
    text = "\n\n".join(["Harbour Reopens After the Winter Storms", "By Ana Lima", standfirst, PARAGRAPH, PARAGRAPH])
    record = to_record(Cleaner(Config()).clean(RawDocument("a.txt", "text", text, {"detected": "utf-8", "notes": []})))
    assert standfirst in record["text"].split("\n") and record["title"] != standfirst
