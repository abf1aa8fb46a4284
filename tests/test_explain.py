"""--explain shows what a run does to one file: same lines removed by the same rules, same text kept."""

from __future__ import annotations

import json

import pytest
from conftest import clean_dir
from test_report import FRENCH, NEWS_DE, RECIPE

from pipeline.cli import main
from pipeline.config import Config
from pipeline.explain import CORPUS_NOTE, explain_file, render_html, render_text

ERROR_PAGE = """Seite nicht gefunden

Die angeforderte Seite existiert nicht.

Zur Startseite
"""


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    root = tmp_path_factory.mktemp("explain")
    files = {
        "recipe.txt": RECIPE.encode("utf-8"),
        "bibliothek.txt": NEWS_DE.encode("utf-8"),
        "quartier.txt": FRENCH.encode("utf-8").decode("cp1252").encode("utf-8"),
        "fehlerseite.txt": ERROR_PAGE.encode("utf-8"),
    }
    for name, data in files.items():
        (root / name).write_bytes(data)
    return root


def test_explain_matches_the_run(inputs, tmp_path):
    run = clean_dir([inputs], tmp_path / "out")
    records = {record["source"]: record for record in run["corpus"]}
    assert set(records) == {"recipe.txt", "bibliothek.txt", "quartier.txt"}
    for source, record in records.items():
        [explained] = explain_file(inputs / source, Config())
        assert explained.kept
        removed = [{"rule": line.rule, "text": line.text, "line": line.number} for line in explained.lines if line.rule]
        assert removed == record["removed"]
        kept_text = [line.text for line in explained.lines if line.rule is None]
        assert kept_text == [line for line in record["text"].split("\n") if line]
        assert explained.metadata.get("title") == record["title"]
        assert explained.encoding == record["encoding"]
    assert run["rejected"] == [
        {"source": "fehlerseite.txt", "reason": "error_page", "detail": "the page is only an error template"}
    ]
    [explained] = explain_file(inputs / "fehlerseite.txt", Config())
    assert (explained.outcome, explained.detail) == ("error_page", "the page is only an error template")
    assert all(line.rule and line.rule.startswith(("error_page.", "navigation.")) for line in explained.lines)


def test_text_marks_each_line_and_lists_repairs(inputs):
    text = render_text(explain_file(inputs / "quartier.txt", Config()))
    assert "outcome: KEPT (2 of 2 lines kept)" in text
    assert "encoding repairs: decode:utf-8, encode:sloppy-windows-1252" in text
    assert "    1 + kept  L’été dernier, la municipalité" in text
    assert text.rstrip().endswith(CORPUS_NOTE)
    recipe = render_text(explain_file(inputs / "recipe.txt", Config()))
    assert "title: Slow-Roasted Tomato Soup for Cold Evenings" in recipe
    assert "    3 - share.share_buttons   Share on Facebook" in recipe
    rejected = render_text(explain_file(inputs / "fehlerseite.txt", Config()))
    assert "outcome: REJECTED: error_page (the page is only an error template)" in rejected


def test_html_colours_removed_lines_and_escapes_text(tmp_path):
    page_source = tmp_path / "snippet.txt"
    page_source.write_text(
        "Werbung\n\nEin Satz mit <script>alert(1)</script> darin, der als Text stehen bleiben muss.\n",
        encoding="utf-8",
    )
    page = render_html(explain_file(page_source, Config()))
    assert page.count('<tr class="removed">') == 1
    assert '<td class="rule">ads.ad_label</td><td class="text">Werbung</td>' in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>" not in page


def test_jsonl_file_explains_each_line(tmp_path):
    source = tmp_path / "batch.jsonl"
    lines = [{"text": NEWS_DE, "url": "https://example.org/a"}, {"body": "no text field"}]
    source.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    explanations = explain_file(source, Config())
    assert [item.source for item in explanations] == ["batch.jsonl:1", "batch.jsonl:2"]
    assert explanations[0].kept and explanations[0].metadata["url"] == "https://example.org/a"
    assert explanations[1].outcome == "bad_jsonl_line" and explanations[1].lines == []


def test_command_line(inputs, tmp_path, capsys):
    assert main(["--explain", str(inputs / "bibliothek.txt")]) == 0
    out = capsys.readouterr().out
    assert "== bibliothek.txt" in out and "- navigation.skip_link" in out
    page = tmp_path / "explain.html"
    assert main(["--explain", str(inputs / "bibliothek.txt"), "--html", str(page)]) == 0
    assert capsys.readouterr().out == ""
    assert '<td class="rule">footer.copyright</td>' in page.read_text(encoding="utf-8")
    assert main(["--explain", str(tmp_path / "missing.txt")]) == 2
    assert "no such file" in capsys.readouterr().err
    with pytest.raises(SystemExit) as stop:
        main(["--html", str(page)])
    assert stop.value.code == 2


def test_header_says_why_a_document_has_no_language(tmp_path):
    source = tmp_path / "short.jsonl"
    lines = [{"text": "Inicio Noticias Deportes Cultura Galería Tienda Contacto Radio Podcast"}, {"text": "Tak, dzięki."}]
    source.write_text("\n".join(json.dumps(line, ensure_ascii=False) for line in lines) + "\n", encoding="utf-8")
    explanations = explain_file(source, Config())
    assert [item.metadata["language"] for item in explanations] == [None, None]
    assert explanations[0].metadata["language_confidence"] < 0.4
    text = render_text(explanations)
    unsure, short = text.split("== short.jsonl:2")
    assert "language: none (guess under 0.4 confidence)" in unsure
    assert "language_confidence: " in unsure
    assert "language: none (under 20 chars)" in short
