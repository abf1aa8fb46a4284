"""HTML path: trafilatura's article text, then the same rule tables as plain text."""

from __future__ import annotations

from pipeline.clean import Cleaner
from pipeline.config import Config
from pipeline.document import Document
from pipeline.extract import extract_html
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
