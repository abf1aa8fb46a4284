"""Corpus-level repeated lines: the keys a prepared text contributes to the count."""

from __future__ import annotations

import json

import pytest
from conftest import clean_dir

from pipeline.config import RepeatsConfig
from pipeline.document import Document, split_lines
from pipeline.repeats import drop_repeated_lines, line_key, text_keys


def test_text_keys_are_the_distinct_short_lines_with_case_and_digits_folded():
    config = RepeatsConfig()
    long_line = "word " * (config.max_line_chars // 5 + 1)
    text = f"Seite 2 von 9\nSEITE 3 VON 9\n\nAbonnieren\n{long_line.strip()}\n\nAbonnieren"
    keys = text_keys(text, config)
    assert sorted(keys.tolist()) == sorted({line_key("Seite 2 von 9"), line_key("Abonnieren")})
    assert line_key("Seite 2 von 9") == line_key("seite 7 von 1")
    assert len(text_keys("", config)) == 0


def test_one_jsonl_file_holding_a_corpus_gets_repeated_lines_removed(tmp_path):
    """The corpus size that switches repeat removal on counts documents, not input files."""
    furniture = "Harbour Gazette Coastal Edition"
    lines = [
        json.dumps({"text": f"{furniture}\n\nStory number {n} tells how the harbour town rebuilt its pier after the "
                            f"storm of year {1900 + n}, with help from every family living there."})
        for n in range(RepeatsConfig().min_corpus_docs)
    ]
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "stories.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = clean_dir([tmp_path / "in"], tmp_path / "out")
    assert len(result["corpus"]) == len(lines)
    for record in result["corpus"]:
        assert furniture not in record["text"]
        assert {"rule": "repeats.corpus_line", "text": furniture, "line": 1} in record["removed"]


def repeated_lines_dropped(text: str, repeated: set[str], removed_lines: tuple[int, ...] = ()) -> list[str]:
    """The lines `drop_repeated_lines` removes from `text` when the lines in `repeated` are frequent in the corpus."""
    doc = Document("id", "a.txt", "text", split_lines(text))
    doc.removed = [{"rule": "navigation.menu", "text": "Menu", "line": number} for number in removed_lines]
    frequent = frozenset(line_key(line) for line in repeated)
    return [entry["text"] for entry in drop_repeated_lines(doc, frequent, RepeatsConfig()).removed[len(removed_lines):]]


PARAGRAPH_1 = "The ferry company raised its winter fares by a tenth on Monday, the second rise in a single year."
PARAGRAPH_2 = "Islanders who cross every day to work on the mainland say the new prices will cost them a week's wages."
NO_COMMENT = "The ferry company did not answer questions sent by email on Tuesday."
CLOSING = "Agency writers on the coast contributed to this report."


@pytest.mark.parametrize(
    ("text", "removed_lines", "dropped"),
    [
        # a sentence many articles share, between two paragraphs of the body: prose
        (f"{PARAGRAPH_1}\n\n{NO_COMMENT}\n\n{PARAGRAPH_2}", (), []),
        # two shared sentences in a row, inside the body
        (f"{PARAGRAPH_1}\n\n{NO_COMMENT}\n\n{CLOSING}\n\n{PARAGRAPH_2}", (), []),
        # the same sentences at the top or the bottom edge: furniture
        (f"{NO_COMMENT}\n\n{PARAGRAPH_1}\n\n{PARAGRAPH_2}", (), [NO_COMMENT]),
        (f"{PARAGRAPH_1}\n\n{PARAGRAPH_2}\n\n{NO_COMMENT}\n\n{CLOSING}", (), [NO_COMMENT, CLOSING]),
        # next to a short line or where an earlier stage removed a line: a box, a sidebar
        (f"{PARAGRAPH_1}\n\nNewsletter\n\n{NO_COMMENT}\n\n{PARAGRAPH_2}", (), ["Newsletter", NO_COMMENT]),
        (f"{PARAGRAPH_1}\n\n{NO_COMMENT}\n\n{PARAGRAPH_2}", (2,), [NO_COMMENT]),
        # between paragraphs but no sentence: too short, no full stop, a row of links
        (f"{PARAGRAPH_1}\n\nShare this story now.\n\n{PARAGRAPH_2}", (), ["Share this story now."]),
        (f"{PARAGRAPH_1}\n\nMore from our reporters on the islands\n\n{PARAGRAPH_2}", (),
         ["More from our reporters on the islands"]),
        (f"{PARAGRAPH_1}\n\nPrivacy policy | Terms of use | Contact the newsroom.\n\n{PARAGRAPH_2}", (),
         ["Privacy policy | Terms of use | Contact the newsroom."]),
    ],
)
def test_shared_prose_inside_the_body_stays_and_furniture_goes(text, removed_lines, dropped):
    repeated = {NO_COMMENT, CLOSING, "Newsletter", "Share this story now.", "More from our reporters on the islands",
                "Privacy policy | Terms of use | Contact the newsroom."}
    assert repeated_lines_dropped(text, repeated, removed_lines) == dropped


def site_pages(site: str, top: list[str], bottom: list[str], shared: str, paragraphs: list[str]) -> dict[str, str]:
    """Eight pages of one site: its furniture above and below, three paragraphs, a shared sentence after the first."""
    pages = {}
    for n in range(8):
        body = [paragraph.format(n=n, year=1990 + n, count=12 + 7 * n) for paragraph in paragraphs]
        pages[f"{site}-{n}.txt"] = "\n\n".join(["\n".join(top), body[0], shared, *body[1:], *bottom])
    return pages


def test_a_corpus_of_three_sites_loses_its_furniture_and_keeps_its_shared_prose(tmp_path):
    """Three sites (news, a German club, recipes), each page with the site's furniture and a sentence its articles share."""
    news_shared = "A spokesperson for the port authority declined to comment when reached by phone."
    club_shared = "Ein Sprecher des Vereins wollte sich auf Anfrage nicht zu den Plänen äußern."
    recipe_shared = "As always, taste the sauce before serving and adjust the seasoning to your liking."
    pages = {
        **site_pages(
            "harbour", ["Harbour Chronicle", "Ports", "Shipping", "Fisheries"],
            ["Harbour Chronicle — independent news from the docks", "Send your tips to the newsroom by email."], news_shared,
            ["Crews unloaded {count} containers at berth {n} overnight, and the harbour master said the backlog "
             "left by the storm of {year} was finally gone after weeks of delays for every shipping line.",
             "Dock workers had asked for extra shifts since the spring, when the cranes at berth {n} broke down "
             "twice and trucks queued for hours along the coast road outside the main gate.",
             "The authority expects {count} more ships before the end of the month and has hired temporary staff "
             "to keep the quays open through the night."]),
        **site_pages(
            "verein", ["Turnverein Talblick", "Termine", "Mannschaften", "Kontakt"],
            ["Turnverein Talblick e. V. seit 1911", "Mitglied werden"], club_shared,
            ["Die Mitgliederversammlung hat am Freitag mit {count} Stimmen beschlossen, die Halle aus dem Jahr "
             "{year} zu sanieren, nachdem das Dach im Winter an mehreren Stellen undicht geworden war.",
             "Der Vorstand rechnet damit, dass die Arbeiten im Sommer beginnen und die Mannschaften bis dahin in "
             "der Schule am Markt trainieren, wo die Stadt ihnen {n} Abende in der Woche überlässt.",
             "Für die Finanzierung sollen Spenden gesammelt werden, und der Kassenwart hofft auf Zuschüsse des "
             "Landes, die bis zum Herbst beantragt werden müssen."]),
        **site_pages(
            "kitchen", ["Tin Spoon Kitchen", "Recipes", "Pantry", "About us"],
            ["Tin Spoon Kitchen — cooking for small flats", "Printable version of this recipe"], recipe_shared,
            ["This is variation number {n} of my grandmother's lentil stew, which she cooked every Sunday from "
             "{year} on, with {count} grams of smoked paprika stirred in at the very end.",
             "Soak the lentils for an hour, then simmer them with the onions and carrots until they are soft but "
             "still hold their shape, which takes about {count} minutes on a low flame.",
             "Leftovers keep for three days in the fridge and taste even better warmed up the next day with a "
             "slice of toasted bread."]),
    }
    (tmp_path / "in").mkdir()
    for name, text in pages.items():
        (tmp_path / "in" / name).write_text(text, encoding="utf-8")
    records = clean_dir([tmp_path / "in"], tmp_path / "out")["corpus"]
    assert len(records) == len(pages)
    furniture = {"Ports", "Shipping", "Fisheries", "Termine", "Mannschaften", "Pantry", "Mitglied werden",
                 "Send your tips to the newsroom by email.", "Printable version of this recipe", "Turnverein Talblick e. V. seit 1911"}
    for record in records:
        shared = {"harbour": news_shared, "verein": club_shared, "kitchen": recipe_shared}[record["source"].split("-")[0]]
        assert shared in record["text"], record["removed"]
        assert not furniture & set(record["text"].split("\n")), record["text"]
        assert any(entry["rule"] == "repeats.corpus_line" for entry in record["removed"])
