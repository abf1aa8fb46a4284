"""HTML path: trafilatura's article text, then the same rule tables as plain text."""

from __future__ import annotations

import pytest

from pipeline.clean import Cleaner
from pipeline.config import Config
from pipeline.document import Document
from pipeline.encoding import decode_bytes
from pipeline.extract import declared_charset, extract_html
from pipeline.readers import RawDocument

PARAGRAPHS = [
    "The small museum by the harbour reopened its upper floor on Saturday after two winters of repairs to the "
    "roof, and the queue reached the bakery on the corner before the doors opened.",
    "Visitors can now see the ship models that spent the renovation in a warehouse, among them a fishing cutter "
    "that a retired carpenter built over eleven years from old floorboards.",
    "The curator said the next project is a reading room for the town's letters and logbooks, which are kept in "
    "boxes in the basement and have never been shown to the public.",
]
FURNITURE = [
    "Photo by Lena Brandt on Unsplash",
    "Download our free museum app for iPhone and Android to follow every new exhibition.",
]
PAGE = f"""<!DOCTYPE html><html lang="en"><head><title>Harbour museum reopens its upper floor</title></head>
<body><nav><ul><li><a href="/">Home</a></li><li><a href="/visit">Visit</a></li></ul></nav>
<article><h1>Harbour museum reopens its upper floor</h1>
<p>{PARAGRAPHS[0]}</p><p>{FURNITURE[0]}</p><p>{PARAGRAPHS[1]}</p><p>{PARAGRAPHS[2]}</p><p>{FURNITURE[1]}</p>
</article><footer><p>Opening hours and directions</p></footer></body></html>"""


def cleaned() -> Document:
    text, metadata, method = extract_html(PAGE)
    assert method == "trafilatura"
    return Cleaner(Config()).clean(RawDocument("museum.html", "html", text, {}, metadata))


def test_extractor_output_keeps_the_article_and_leaves_furniture_inside_it_to_the_rules():
    text, _, _ = extract_html(PAGE)
    assert all(paragraph in text for paragraph in PARAGRAPHS)
    assert all(line in text for line in FURNITURE)  # inside <article>: the extractor keeps them
    assert "Opening hours" not in text


def test_rule_tables_remove_credit_and_app_promotion_from_extracted_text():
    doc = cleaned()
    rules = {entry["text"]: entry["rule"] for entry in doc.removed}
    assert rules[FURNITURE[0]] == "credits.photo_by"
    assert rules[FURNITURE[1]] == "newsletter.app_promo"
    assert all(paragraph in doc.text.split("\n\n") for paragraph in PARAGRAPHS)
    assert not any(line in doc.text for line in FURNITURE)


FR_PARAGRAPHS = [
    "Le petit musée du port a rouvert samedi son étage supérieur après deux hivers de travaux sur la toiture, et "
    "la file d’attente s’étirait jusqu’à la boulangerie du coin bien avant l’ouverture des portes.",
    "Les visiteurs peuvent de nouveau voir les maquettes de bateaux restées dans un entrepôt pendant les travaux, "
    "dont un chalutier qu’un menuisier à la retraite a construit en onze ans avec de vieilles lattes de parquet.",
    "Le conservateur prépare déjà la suite : une salle de lecture pour les lettres et les journaux de bord de la "
    "ville, qui dorment dans des cartons au sous-sol et n’ont jamais été montrés au public.",
]
STANDFIRST = "Après deux hivers de travaux, les maquettes de bateaux retrouvent leur place sous le toit."
TAGLINE = "Toute l’actualité du littoral, chaque jour, par la rédaction du journal de la côte."


def french_page(description: str) -> str:
    return f"""<!DOCTYPE html><html lang="fr"><head><title>Le musée du port rouvre son étage</title>
<meta name="description" content="{description}"></head>
<body><header><p class="standfirst">{STANDFIRST}</p><p class="date">12 mars 2024</p></header>
<article><p>{FR_PARAGRAPHS[0]}</p><p>{FR_PARAGRAPHS[1]}</p><p>{FR_PARAGRAPHS[2]}</p></article>
<footer><p>{TAGLINE}</p></footer></body></html>"""


def test_a_standfirst_shown_above_the_article_comes_back_from_the_page_description():
    text, _, _ = extract_html(french_page(STANDFIRST))
    assert text.split("\n\n")[0] == STANDFIRST
    assert all(paragraph in text for paragraph in FR_PARAGRAPHS)


def test_a_description_shown_elsewhere_on_the_page_is_not_added():
    text, _, _ = extract_html(french_page(TAGLINE))  # the site's tagline, shown in the footer
    assert TAGLINE not in text
    assert STANDFIRST not in text  # the extractor leaves the header out; nothing tells it is the standfirst
    assert all(paragraph in text for paragraph in FR_PARAGRAPHS)


def test_an_author_bio_at_the_end_of_the_extracted_article_goes():
    bio = "Jonas Berg is a freelance writer who covers small museums and maritime history for regional papers."
    page = PAGE.replace("</article>", f"<p>{bio}</p></article>")
    text, metadata, _ = extract_html(page)
    assert bio in text  # inside <article>: the extractor keeps it
    doc = Cleaner(Config()).clean(RawDocument("museum.html", "html", text, {}, metadata))
    assert {entry["text"]: entry["rule"] for entry in doc.removed}[bio] == "classifier.author_bio"
    assert all(paragraph in doc.text.split("\n\n") for paragraph in PARAGRAPHS)


EAST_ASIAN_PAGES = [  # (paragraph, charset): legacy multi-byte charsets hold UTF-8-like byte pairs by chance
    ("大阪の商店街では今週から、使い捨ての袋をやめて布の袋を貸し出す試みが始まった。", "shift_jis"),
    ("大阪の商店街では今週から、使い捨ての袋をやめて布の袋を貸し出す試みが始まった。", "euc_jp"),
    ("부산의 한 시장은 이번 주부터 비닐봉지 대신 천 가방을 빌려주는 실험을 시작했다.", "euc_kr"),
    ("广州的一个老市场从本周开始试行出借布袋，以取代一次性塑料袋。", "gbk"),
    ("台南的一個老市場從本週開始試行出借布袋，以取代一次性塑膠袋。", "big5"),
]


@pytest.mark.parametrize("paragraph, charset", EAST_ASIAN_PAGES)
def test_a_page_in_a_declared_east_asian_charset_is_read_in_it(paragraph, charset):
    page = f'<html><head><meta charset="{charset}"><title>Market</title></head><body><p>{paragraph}</p></body></html>'
    data = page.encode(charset)
    decoded = decode_bytes(data, declared_charset(data))
    assert paragraph in decoded.text
    assert decoded.encoding.endswith("(declared)")


def test_utf8_with_a_few_stray_cp1252_bytes_is_still_read_as_utf8():
    data = "Die Brücke über den Fluss wird im Frühjahr erneuert. ".encode() * 4 + b"\x84Endlich\x93, sagen viele."
    decoded = decode_bytes(data, "windows-1252")
    assert decoded.text.startswith("Die Brücke über den Fluss") and decoded.text.endswith("„Endlich“, sagen viele.")


def test_a_charset_declared_only_by_an_xml_declaration_is_used():
    paragraph = "Жители района давно просили отремонтировать мост — «десять лет» он стоял “закрытым”."
    page = f'<?xml version="1.0" encoding="windows-1251"?>\n<html><body><p>{paragraph}</p></body></html>'
    data = page.encode("cp1251")
    assert declared_charset(data) == "windows-1251"
    assert paragraph in decode_bytes(data, declared_charset(data)).text


def test_an_xml_declaration_does_not_stop_the_standfirst_coming_back():
    text, _, _ = extract_html('<?xml version="1.0" encoding="utf-8"?>\n' + french_page(STANDFIRST))
    assert text.split("\n\n")[0] == STANDFIRST


MISREAD_PAGES = [  # (paragraph, charset, declaration): read as cp1252 these come out as accented Latin garbage
    ("Жители района давно просили отремонтировать мост — «десять лет» он стоял закрытым для машин.", "cp1251", None),
    (
        "Жители района давно просили отремонтировать мост — «десять лет» он стоял закрытым для машин.",
        "cp1251",
        "iso-8859-1",
    ),
    ("Οι κάτοικοι ζητούσαν εδώ και χρόνια να επισκευαστεί η γέφυρα — «δέκα χρόνια» ήταν κλειστή.", "cp1253", None),
]


@pytest.mark.parametrize("paragraph, charset, declaration", MISREAD_PAGES)
def test_a_page_whose_cp1252_reading_is_a_mess_is_read_in_its_detected_charset(paragraph, charset, declaration):
    meta = f'<meta http-equiv="Content-Type" content="text/html; charset={declaration}">' if declaration else ""
    data = f"<html><head>{meta}</head><body><p>{paragraph}</p><p>{paragraph}</p></body></html>".encode(charset)
    decoded = decode_bytes(data, declared_charset(data))
    assert paragraph in decoded.text
    assert decoded.encoding == f"{charset} (detected)"


def test_a_short_notice_comes_out_without_the_menus_the_extractor_first_kept():
    notice = "Der Wochenmarkt findet am Samstag wegen des Stadtfests auf dem Kirchplatz statt."
    page = f"""<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>Markt zieht um</title></head><body>
<div class="consent">Diese Seite verwendet Cookies. <button>Einverstanden</button></div>
<nav><a href="/">Start</a> <a href="/rathaus">Rathaus</a> <a href="/kultur">Kultur</a> <a href="/kontakt">Kontakt</a></nav>
<main><h2>Markt zieht um</h2><p>{notice}</p></main>
<footer><a href="/impressum">Impressum</a></footer></body></html>"""
    text, _, _ = extract_html(page)
    assert notice in text
    assert not {"Start", "Rathaus", "Kultur", "Kontakt", "Einverstanden"} & set(text.split("\n\n"))


def metadata_of(head: str, body_top: str = "", url: str = "https://www.lakeviewgazette.com/news/bus-routes") -> dict:
    """The metadata extract_html gives a page with `head` in its <head> and `body_top` above the article."""
    page = f"""<!DOCTYPE html><html><head><link rel="canonical" href="{url}">{head}</head>
<body><nav><a href="/">Start</a></nav>{body_top}<article><p>{PARAGRAPHS[0]}</p><p>{PARAGRAPHS[1]}</p>
<p>{PARAGRAPHS[2]}</p></article></body></html>"""
    return extract_html(page)[1]


def test_a_generic_og_title_gives_way_to_the_pages_only_headline():
    head = '<meta property="og:title" content="Home"><meta property="og:site_name" content="Gemeinde Talheim">'
    head += "<title>Startseite | Gemeinde Talheim</title>"
    metadata = metadata_of(head, "<h1>Neue Öffnungszeiten der Gemeindebibliothek</h1>")
    assert metadata["title"] == "Neue Öffnungszeiten der Gemeindebibliothek"


@pytest.mark.parametrize(
    "og_title", ["Rezept: Linsensuppe mit Speck | Kochwelt Nord", "Kochwelt Nord — Rezept: Linsensuppe mit Speck"]
)
def test_the_site_name_beside_a_headline_goes(og_title):
    head = f'<meta property="og:title" content="{og_title}"><meta property="og:site_name" content="Kochwelt Nord">'
    assert metadata_of(head, url="https://kochwelt-nord.de/rezepte/linsen")["title"] == "Rezept: Linsensuppe mit Speck"


def test_a_site_name_holding_a_separator_goes_whole():
    site = "Kochwelt Nord - Rezepte aus dem Norden"
    head = f'<meta property="og:title" content="Rezept: Linsensuppe mit Speck - {site}">'
    head += f'<meta property="og:site_name" content="{site}">'
    assert metadata_of(head, url="https://kochwelt-nord.de/rezepte/linsen")["title"] == "Rezept: Linsensuppe mit Speck"


def test_a_site_name_found_only_in_the_host_name_goes_from_the_end_but_not_from_a_headline():
    og_title = '<meta property="og:title" content="{}">'
    metadata = metadata_of(og_title.format("School board approves new bus routes - Lakeview Gazette Online"))
    assert metadata["title"] == "School board approves new bus routes"
    metadata = metadata_of(og_title.format("Why Lakeview Gazette readers kept the old routes"))
    assert metadata["title"] == "Why Lakeview Gazette readers kept the old routes"


def test_a_headline_shown_on_the_page_is_taken_from_a_longer_page_title():
    og_title = "Los pescadores vuelven al puerto tras la veda — Crónica de la Costa, diario independiente"
    metadata = metadata_of(
        f'<meta property="og:title" content="{og_title}">', "<h1>Los pescadores vuelven al puerto tras la veda</h1>"
    )
    assert metadata["title"] == "Los pescadores vuelven al puerto tras la veda"


def test_a_page_named_by_its_headline_keeps_it_as_title_and_gets_its_host_as_publisher():
    headline = "Harbour museum reopens its upper floor"
    head = f'<meta name="application-name" content="{headline}"><meta property="og:site_name" content="{headline}">'
    metadata = metadata_of(head + f"<title>{headline}</title>", f"<h1>{headline}</h1>")
    assert (metadata["title"], metadata["publisher"]) == (headline, "lakeviewgazette.com")


def test_a_publisher_given_as_a_url_becomes_its_host_name():
    head = '<meta property="og:site_name" content="https://www.nordic-yarns.example/"><title>Knitting in winter</title>'
    assert metadata_of(head)["publisher"] == "nordic-yarns.example"


def test_an_authors_initials_keep_their_dots():
    head = '<meta name="author" content="J.K. Marlowe"><title>School board approves new bus routes</title>'
    assert metadata_of(head)["authors"] == ["J.K. Marlowe"]


def test_a_revision_date_taken_for_the_date_gives_way_to_the_declared_publication_date():
    head = (
        '<meta name="sailthru.date" content="2024-03-14T08:00:00Z">'
        '<meta property="article:published_time" content="2024-03-11T17:30:00Z">'
        '<meta property="article:modified_time" content="2024-03-14T08:00:00Z">'
    )
    assert metadata_of(head + "<title>School board approves new bus routes</title>")["date"] == "2024-03-11"
