"""Code in an article keeps its structure: the lines of a block of code stay one block, with their indentation.

HTML: the blocks of code are trafilatura's <code> elements (a <pre>). Plain text: a block of lines not all
indented alike, one of which reads as code. Everything else is stripped and collapsed as before.
"""

from __future__ import annotations

import hashlib

from hypothesis import given
from hypothesis import strategies as st
from test_invariants import LINES, SETTINGS, clean_text

from pipeline.clean import Cleaner, prepare, settle_indentation, to_record
from pipeline.config import Config
from pipeline.document import Document, split_lines
from pipeline.encoding import normalize_whitespace
from pipeline.extract import extract_html, text_paragraphs
from pipeline.readers import RawDocument
from pipeline.repeats import line_key, text_keys

PROSE = [
    "Wer seinen Heimserver jede Nacht sichern will, braucht dafür kein teures Programm, sondern nur ein paar "
    "Zeilen in einer Compose-Datei und einen Ordner auf der zweiten Festplatte.",
    "Nach dem Start legt der Dienst jede Nacht um drei Uhr eine Kopie an und löscht Sicherungen, die älter als "
    "zwei Wochen sind, damit die Platte nicht vollläuft.",
    "Wer mag, kann die Uhrzeit in der Datei ändern; wichtig ist nur, dass der Ordner für die Sicherungen "
    "außerhalb des Containers liegt.",
]
COMPOSE = ["services:", "  backup:", "    restart: unless-stopped", "    volumes:", "      - /srv/daten:/data:ro"]
RUST = ["fn main() {", "    let zahlen = vec![1, 2, 3];", '    println!("{}", zahlen.len());', "}"]
PAGE = f"""<!DOCTYPE html><html lang="de"><head><title>Nächtliche Sicherung mit Docker</title></head>
<body><article><h1>Nächtliche Sicherung mit Docker</h1>
<p>{PROSE[0]}</p>
<pre><code>{chr(10).join(COMPOSE)}
</code></pre>
<p>{PROSE[1]}</p>
<div class="highlight"><pre><span class="k">fn</span> main() {{
    <span class="k">let</span> zahlen = vec![1, 2, 3];
    println!("{{}}", zahlen.len());
}}</pre></div>
<p>{PROSE[2]} Aufgerufen wird das Ganze mit <code>docker compose up -d</code> im selben Ordner.</p>
</article></body></html>"""


def page_record(html: str) -> dict:
    text, metadata, method = extract_html(html)
    assert method == "trafilatura"
    return to_record(Cleaner(Config()).clean(RawDocument("sicherung.html", "html", text, {}, metadata)))


def test_a_pre_block_of_a_page_is_one_block_with_its_indentation():
    record = page_record(PAGE)
    blocks = record["text"].split("\n\n")
    assert "\n".join(COMPOSE) in blocks  # YAML reads as no code by its characters: the page's <pre> says it is
    assert "\n".join(RUST) in blocks
    assert PROSE[0] in blocks and PROSE[1] in blocks
    assert any(block.startswith(PROSE[2]) and "docker compose up -d im selben Ordner." in block for block in blocks)


def test_the_counts_and_hash_follow_the_text_as_written():
    record = page_record(PAGE)
    text = record["text"]
    assert record["chars"] == len(text) and record["words"] == len(text.split())
    assert record["paragraphs"] == len(text.split("\n\n")) == 5  # the headline goes to the title
    assert record["sha256"] == hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_a_block_of_code_is_found_in_the_text_in_page_order_and_one_not_found_is_skipped():
    text = "Intro\nfor x in y:\n  print(x)\nMiddle\nfor x in y:\n  print(x)\nEnd"
    blocks = [["missing line", "print(x)"], ["for x in y:", "print(x)"], ["for x in y:", "print(x)"]]
    assert text_paragraphs(text, blocks) == [
        "Intro",
        "for x in y:\n  print(x)",
        "Middle",
        "for x in y:\n  print(x)",
        "End",
    ]
    assert text_paragraphs(text, blocks[:2]) == [
        "Intro",
        "for x in y:\n  print(x)",
        "Middle",
        "for x in y:",
        "  print(x)",
        "End",
    ]


# Plain text: notes from a French programming course with a Go snippet (tabs) and a JavaScript snippet.
GO = ["func somme(nombres []int) int {", "\ttotal := 0", "\tfor _, n := range nombres {", "\t\ttotal += n", "\t}", "}"]
JS = ["  const prix = [3, 5, 8];", "  for (const p of prix) {", "      console.log(p * 2);", "  }"]
NOTES = "\n\n".join(
    [
        "Cette semaine, nous avons écrit une fonction qui additionne une liste de nombres entiers en Go.",
        "\n".join(GO),
        "La même idée en JavaScript, avec une boucle qui affiche chaque prix multiplié par deux :",
        "\n".join(JS),
        "Le   prochain\u00a0cours portera sur les tests unitaires et sur la manière de lire les messages d'erreur.",
    ]
)


def test_an_indented_block_of_code_in_plain_text_keeps_its_lines_and_indentation():
    record = clean_text(NOTES)
    blocks = record["text"].split("\n\n")
    assert "\n".join(GO) in blocks and "\n".join(JS) in blocks  # tabs as tabs, spaces as written
    assert "Le prochain cours portera sur les tests unitaires" in record["text"]  # prose collapses as before


def test_stray_leading_spaces_before_prose_lines_are_still_stripped():
    text = (
        "Preguntas frecuentes\n   ¿Se puede llevar equipaje? Sí, en la bodega del autobús [ver normas].\n"
        "  Los perros pequeños viajan gratis.\n\n    x = 1\n    y = [x, x]"
    )
    assert normalize_whitespace(text) == (
        "Preguntas frecuentes\n¿Se puede llevar equipaje? Sí, en la bodega del autobús [ver normas].\n"
        "Los perros pequeños viajan gratis.\n\nx = 1\ny = [x, x]"  # code indented alike: nothing to keep
    )


def test_a_line_of_code_is_judged_by_its_stripped_text():
    lines = prepare(RawDocument("notas.txt", "text", NOTES, {})).lines
    assert [(line.indent, line.text) for line in lines[2:4]] == [
        ("\t", "total := 0"),
        ("\t", "for _, n := range nombres {"),
    ]
    assert text_keys("a\n  }\n", Config().repeats).tolist().count(line_key("}")) == 1  # counted as the stages see it


def test_a_block_left_without_code_by_the_cleaning_loses_its_indentation():
    lines = split_lines("Intro paragraph\n\nvalues = {}\n  first line\n    second line")
    doc = Document("id", "a.txt", "text", lines)
    doc.drop([1], "test.rule")  # the line that read as code
    assert settle_indentation(doc).text == "Intro paragraph\n\nfirst line\nsecond line"
    assert settle_indentation(Document("id", "a.txt", "text", lines)).text == normalize_whitespace(
        "Intro paragraph\n\nvalues = {}\n  first line\n    second line"
    )


INDENTS = ["", "  ", "    ", "\t"]
CODE = ["if (n > 0) {", "return [a, b];", "x = y;", "total += n", "}", "print(x)", "def f(a_b):", "let v = 1;"]
code_line = st.tuples(st.sampled_from(INDENTS), st.sampled_from(CODE + LINES[5:20])).map("".join)
code_block = st.lists(code_line, min_size=1, max_size=8).map("\n".join)
article_with_code = st.lists(st.one_of(code_block, st.sampled_from(LINES[:12])), max_size=12).map("\n\n".join)


@SETTINGS
@given(article_with_code)
def test_cleaning_an_article_with_code_again_changes_nothing_and_invents_nothing(text):
    first = clean_text(text)
    if not isinstance(first, dict):
        return
    again = clean_text(first["text"])
    assert isinstance(again, dict), again
    assert again["text"] == first["text"], again["removed"]
    source = [line.indent + line.text for line in prepare(RawDocument("doc.txt", "text", text, {})).lines]
    position = 0
    for output_line in filter(None, first["text"].split("\n")):
        while position < len(source) and output_line not in source[position]:  # with its indentation
            position += 1
        assert position < len(source), f"{output_line!r} is not in the input"
