"""The run report: report.md and report.html agree with report.json, plots are real PNGs, the page is self-contained."""

from __future__ import annotations

import base64
import io
import re
from collections import Counter
from html.parser import HTMLParser

import pytest
from conftest import clean_dir
from matplotlib.image import imread

from pipeline.config import Config
from pipeline.report import build_sections, languages, lengths, overview, write_reports
from pipeline.run import ShardResult

RECIPE = """Slow-Roasted Tomato Soup for Cold Evenings

Share on Facebook

Roasting the tomatoes first is what gives this soup its depth. Halve them, scatter a few garlic cloves between them and leave the tray in a low oven for a good hour, until the edges darken and the juices turn sticky.

While they roast, soften an onion in butter with a pinch of salt. When the tomatoes come out, scrape everything from the tray into the pot, add stock and let it bubble gently for twenty minutes before blending.

Serve it with toasted bread and a spoonful of cream. It keeps well in the fridge for three days and tastes even better on the second.

Leave a Reply
"""

NEWS_DE = """Zum Inhalt springen

Die Stadtbibliothek verlängert ab dem kommenden Monat ihre Öffnungszeiten am Wochenende. Nach einer Umfrage unter den Nutzerinnen und Nutzern hatte sich eine deutliche Mehrheit für längere Samstage ausgesprochen.

Die zusätzlichen Stunden werden zunächst für ein halbes Jahr erprobt. Danach will der Stadtrat anhand der Besucherzahlen entscheiden, ob die Regelung dauerhaft gilt.

Weiterlesen

Alle Rechte vorbehalten.
"""

FRENCH = (
    "L’été dernier, la municipalité a rénové la bibliothèque du quartier, et les habitants "
    "s’y retrouvent désormais chaque samedi matin pour des ateliers de lecture.\n\n"
    "Les bénévoles préparent déjà le programme de l’automne, avec des séances consacrées "
    "à la poésie et aux bandes dessinées pour les plus jeunes.\n"
)


def write_corpus(root):
    """Six inputs: two kept articles, an exact copy, a file with mojibake, an empty file and a binary one."""
    root.mkdir()
    (root / "recipe.txt").write_text(RECIPE, encoding="utf-8")
    (root / "recipe-copy.txt").write_text(RECIPE, encoding="utf-8")
    (root / "bibliothek.txt").write_text(NEWS_DE, encoding="utf-8")
    (root / "quartier.txt").write_text(FRENCH.encode("utf-8").decode("cp1252"), encoding="utf-8")
    (root / "empty.txt").write_text("", encoding="utf-8")
    (root / "picture.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    return root


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    base = tmp_path_factory.mktemp("report")
    output = base / "out"
    result = clean_dir([write_corpus(base / "in")], output)
    return output, result["report"]


def markdown_rows(markdown: str, title: str) -> dict[str, list[str]]:
    """The table under a `## title` heading, as first cell -> other cells."""
    section = markdown.split(f"## {title}\n", 1)[1].split("\n## ", 1)[0]
    rows = [line.strip("|").split(" | ") for line in section.splitlines() if line.startswith("| ")]
    return {cells[0].strip(): [cell.strip() for cell in cells[1:]] for cells in rows[1:]}


def test_markdown_tables_match_report_json(run_dir):
    output, report = run_dir
    markdown = (output / "report.md").read_text(encoding="utf-8")
    assert report["rejected_by_reason"] == {"binary": 1, "empty": 1}
    rejected = markdown_rows(markdown, "Rejected documents")
    assert {reason: cells[0] for reason, cells in rejected.items()} == {"binary": "1", "empty": "1"}
    by_rule = markdown_rows(markdown, "Removed lines by rule")
    assert report["removed_lines_by_rule"]["share.share_buttons"] == 2  # the recipe and its copy
    assert set(by_rule) == set(report["removed_lines_by_rule"])
    for rule, cells in by_rule.items():
        assert cells[0] == str(report["removed_lines_by_rule"][rule])
        assert cells[1] == str(report["removed_chars_by_rule"][rule])
    assert by_rule["share.share_buttons"][2] == "Share on Facebook (×2)"
    assert "Zum Inhalt springen (×1)" in by_rule["navigation.skip_link"][2]
    families = markdown_rows(markdown, "Removed lines by rule family")
    comments = {rule: n for rule, n in report["removed_lines_by_rule"].items() if rule.startswith("comments.")}
    assert families["comments"][0] == str(sum(comments.values()))


def test_markdown_lists_repairs_languages_and_duplicates(run_dir):
    output, report = run_dir
    markdown = (output / "report.md").read_text(encoding="utf-8")
    assert report["encoding_repairs"], "the cp1252-read French file needs a repair"
    repairs = markdown_rows(markdown, "Encoding repairs")
    assert {kind: int(cells[0]) for kind, cells in repairs.items()} == report["encoding_repairs"]
    languages = markdown_rows(markdown, "Languages")
    assert {code: int(cells[0]) for code, cells in languages.items()} == {"en": 2, "de": 1, "fr": 1}
    assert languages["en"][1] == "50.0%"
    clusters = markdown_rows(markdown, "Duplicate clusters")
    assert clusters == {"2": ["recipe-copy.txt", "recipe.txt"]}


def test_html_is_self_contained_with_real_plots(run_dir):
    output, _ = run_dir
    page = (output / "report.html").read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)=["']?(https?:|//)""", page), "the page must not load anything"
    images = re.findall(r'src="data:image/png;base64,([^"]+)"', page)
    assert len(images) == 3  # removals by family, languages, document lengths
    for encoded in images:
        pixels = imread(io.BytesIO(base64.b64decode(encoded)), format="png")
        assert pixels.shape[0] > 100 and pixels.shape[1] > 300
    assert "<td>share.share_buttons</td>" in page


def test_html_tags_are_balanced(run_dir):
    output, _ = run_dir
    open_tags: list[str] = []
    void = {"meta", "img", "br", "hr", "link"}

    class Checker(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag not in void:
                open_tags.append(tag)

        def handle_endtag(self, tag):
            assert open_tags and open_tags[-1] == tag, f"</{tag}> closes {open_tags[-1:]}"
            open_tags.pop()

    Checker().feed((output / "report.html").read_text(encoding="utf-8"))
    assert open_tags == []


def test_examples_are_summed_over_shards_and_ordered():
    first, second = ShardResult(0), ShardResult(1)
    first.removed_examples = {"ads.ad_label": [["Anzeige", 3], ["Advertisement", 2]]}
    second.removed_examples = {"ads.ad_label": [["Advertisement", 4]], "share.social_names": [["Facebook", 1]]}
    report = {
        "documents_read": 0, "kept": 0, "rejected": 0, "rejected_by_reason": {}, "chars_in": 0, "chars_out": 0,
        "removed_lines_by_rule": {"ads.ad_label": 9, "share.social_names": 1},
        "removed_chars_by_rule": {"ads.ad_label": 70, "share.social_names": 8},
        "encoding_repairs": {}, "languages": {}, "config_hash": "x",
        "config": {"repeats": {"enabled": True}},
        "repeated_lines": {"documents_counted": 0, "frequent_lines": 0, "min_docs": 5, "min_fraction": 0.01,
                           "min_corpus_docs": 20},
        "duplicates": {"shingle_words": 5, "num_perm": 128, "bands": 16, "threshold": 0.8,
                       "duplicate_documents": 0, "clusters": []},
    }
    sections = {section.title: section for section in build_sections(report, [first, second])}
    table = sections["Removed lines by rule"].table
    examples = dict(zip(table["rule"], table["most frequent removed lines"], strict=True))
    assert examples["ads.ad_label"] == "Advertisement (×6) · Anzeige (×3)"
    assert sections["Document length"].note == "No document was kept."


def test_length_statistics():
    result = ShardResult(0)
    result.lengths = [[100, 50], [200, 100], [300, 120], [400, 130], [1000, 600]]
    table = lengths([result]).table.set_index("characters")
    assert table.loc["median"].tolist() == [300, 120]
    assert table.loc["mean"].tolist() == [400, 200]


def test_write_reports_with_nothing_kept(tmp_path):
    output = tmp_path / "out"
    source = tmp_path / "in"
    source.mkdir()
    (source / "blank.txt").write_text("   \n", encoding="utf-8")
    report = clean_dir([source], output)["report"]
    assert report["kept"] == 0
    write_reports(output, report, [])
    markdown = (output / "report.md").read_text(encoding="utf-8")
    assert "No document was kept." in markdown
    assert "No line was removed." in markdown


def test_dropped_duplicates_leave_every_tally(tmp_path):
    """With dedup.drop the copy goes to the rejects, and no figure but the rejects counts it any more."""
    output = tmp_path / "out"
    run = clean_dir([write_corpus(tmp_path / "in")], output, Config().replace("dedup", drop=True))
    report, corpus = run["report"], run["corpus"]
    assert report["rejected_by_reason"] == {"binary": 1, "duplicate": 1, "empty": 1}
    assert report["kept"] == len(corpus) == 3
    assert sum(report["languages"].values()) == 3 and report["languages"] == {"en": 1, "de": 1, "fr": 1}
    removed = Counter(entry["rule"] for record in corpus for entry in record["removed"])
    assert report["removed_lines_by_rule"] == dict(removed)
    assert report["removed_lines_by_rule"]["share.share_buttons"] == 1
    assert report["chars_out"] == sum(record["chars"] for record in corpus)
    markdown = (output / "report.md").read_text(encoding="utf-8")
    assert markdown_rows(markdown, "Removed lines by rule")["share.share_buttons"][2] == "Share on Facebook (×1)"
    after = sorted(record["chars"] for record in corpus)
    assert markdown_rows(markdown, "Document length")["median"][1] == str(after[1])


def test_overview_of_a_resumed_run_gives_no_throughput():
    report = {"documents_read": 600, "kept": 590, "rejected": 10, "chars_in": 9_000_000, "chars_out": 7_000_000,
              "duplicates": {"duplicate_documents": 0}, "config_hash": "x",
              "run": {"seconds": 1.5, "executor": "serial", "workers": 1, "resumed_shards": 3, "shards": []}}
    rows = dict(overview(report).table.itertuples(index=False))
    assert rows["throughput"] == "n/a (resumed run)"
    assert "3 shards had been cleaned by an earlier run" in rows["run time"]
    report["run"]["resumed_shards"] = 0
    assert dict(overview(report).table.itertuples(index=False))["throughput"].startswith("400.0 documents/s")


def test_languages_note_explains_unknown():
    report = {"kept": 3, "languages": {"en": 2, "unknown": 1}}
    note = languages(report).note
    assert "`unknown`: no language recorded" in note and "under 20 characters" in note and "0.4" in note
    assert "unknown" not in languages({"kept": 2, "languages": {"en": 2}}).note
