"""Hostile input: every bad file ends in the corpus or in the rejects with a clear reason, the run goes on,
and the input tree is left exactly as it was.

One tree of hostile files (built here, in a temporary directory) is cleaned once through the real command
line; the tests below check what became of each file.  Cases that need their own configuration or
environment (size limits, an unreadable file) run the pipeline in-process.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from conftest import ROOT, clean_dir, read_jsonl

from pipeline.config import Config
from pipeline.encoding import normalize_whitespace

GERMAN = (
    "Die Gemeinde plant einen neuen Radweg entlang des Flusses. Anwohner begrüßen die Pläne, fordern aber "
    "mehr Bäume am Ufer.\n\nDer Bau soll im Frühjahr beginnen und etwa zwei Jahre dauern."
)
RUSSIAN = [
    "Городской совет утвердил новый бюджет на следующий год. Расходы на образование вырастут на десять процентов.",
    "Депутаты обсуждали документ почти четыре часа, прежде чем проголосовать.",
]
SCRIPT_FILLER = "a" * 5_000_000
NESTED_SENTENCE = "Deep inside the nesting there is one sentence that has to survive the trip."


def _gzip(text: str) -> bytes:
    return gzip.compress(text.encode("utf-8"), mtime=0)


def _html(body: str, head: str = "") -> str:
    return f"<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>"


# file name -> bytes, and what must become of it: "kept" or the reject reason.
FILES: dict[str, tuple[bytes, str]] = {
    "empty.txt": (b"", "empty"),
    "whitespace.txt": (b"  \n\t\r\n \xc2\xa0 \n\n", "empty"),
    "nul-bytes.txt": (bytes(range(256)) * 40, "binary"),
    "picture.txt": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8, "binary"),
    "mixed-bytes.txt": (
        "Le café coûte trois euros — pas plus.\nPuis ".encode() + b"un \x93mot\x94 mal cod\xe9 " + "et la fin, très bien.\n".encode(),
        "kept",
    ),
    "utf16-bom.txt": (GERMAN.encode("utf-16"), "kept"),
    "utf16-le.txt": (GERMAN.encode("utf-16-le"), "kept"),
    "utf16-be.txt": (GERMAN.encode("utf-16-be"), "kept"),
    "utf16-le-cyrillic.txt": ("\n\n".join(RUSSIAN).encode("utf-16-le"), "kept"),
    "short-with-a-nul.txt": (b"some text \x00 here", "binary"),  # not UTF-16: that would invent CJK text
    "samples-16bit.txt": (bytes(byte for i in range(3000) for byte in (i * 7 % 256, 0)), "binary"),  # NULs like UTF-16
    "truncated.txt.gz": (_gzip(GERMAN * 40)[:-20], "corrupt_archive"),  # cut inside the compressed stream
    "not-gzip.txt.gz": (GERMAN.encode(), "corrupt_archive"),
    "cyrillic.html": (
        _html(
            "<article>" + "".join(f"<p>{p}</p>" for p in RUSSIAN) + "</article>",
            '<meta http-equiv="Content-Type" content="text/html; charset=windows-1251"><title>Бюджет</title>',
        ).encode("cp1251"),
        "kept",
    ),
    "nested.html": (_html("<div>" * 10_000 + f"<p>{NESTED_SENTENCE}</p>" + "</div>" * 10_000).encode(), "kept"),
    "big-script.html": (
        _html(
            "<article><p>The harbour authority approved the new ferry timetable after a long debate.</p>"
            "<p>Boats will run every twenty minutes from May.</p></article>",
            f"<script>var blob = '{SCRIPT_FILLER}';</script>",
        ).encode(),
        "kept",
    ),
    "records.jsonl": (
        b'{"text": "Erster guter Eintrag mit genug W\xc3\xb6rtern.", "url": "https://example.org/a"}\n'
        b'{"text": "broken\n'
        b'{"text": 42}\n'
        b"\n"
        b"[1, 2, 3]\n"
        b'{"title": "no text field"}\n'
        b'{"text": null}\n'
        b'{"text": "Line separator \xe2\x80\xa8 inside a string is valid JSON."}\n'
        + b"[" * 100_000 + b"]" * 100_000 + b"\n",  # nested deeper than the JSON parser's recursion limit
        "kept",
    ),
    "name with spaces.txt": (GERMAN.encode(), "kept"),
    "accentué é ñ.txt": (GERMAN.encode(), "kept"),
    "-dash--name-.txt": (GERMAN.encode(), "kept"),
    "menu.html": (
        _html(
            "<header><nav><a href='/'>Startseite</a> <a href='/politik'>Politik</a> <a href='/kultur'>Kultur</a>"
            "</nav></header><main><ul><li><a href='/a'>Kurz notiert</a></li><li><a href='/b'>Meinung</a></li>"
            "<li><a href='/c'>Bilder des Tages</a></li></ul></main>"
        ).encode(),
        "navigation_only",
    ),
    "not-found.html": (
        _html(
            "<h1>Error 404</h1><p>Sorry, the page you are looking for does not exist.</p>",
            "<title>Page not found</title>",
        ).encode(),
        "error_page",
    ),
    "notes.pdf": (b"%PDF-1.4 not an input type", "unsupported_type"),
    "dir.txt/inside.txt": (GERMAN.encode(), "kept"),
}
JSONL_LINES = {  # records.jsonl, line by line: kept or the reason
    "records.jsonl:1": "kept",
    "records.jsonl:2": "bad_jsonl_line",
    "records.jsonl:3": "bad_jsonl_line",
    "records.jsonl:5": "bad_jsonl_line",
    "records.jsonl:6": "bad_jsonl_line",
    "records.jsonl:7": "bad_jsonl_line",
    "records.jsonl:8": "kept",
    "records.jsonl:9": "bad_jsonl_line",
}
LINKS = {  # symlink name -> target (relative to the input root unless absolute), and the outcome
    "loop.txt": ("loop.txt", "unreadable"),
    "ping.txt": ("pong.txt", "unreadable"),
    "pong.txt": ("ping.txt", "unreadable"),
    "escape.txt": ("OUTSIDE", "outside_input"),
    "alias.txt": ("name with spaces.txt", "kept"),
}
SPECIAL = {"socket.txt": "not_a_file"}
NOT_UTF8_NAME = b"caf\xe9 latin-1.txt"  # a file name that is not UTF-8: its source shows the byte escaped
ODD_NAMES = {"caf\\xe9 latin-1.txt": "kept", "line\nbreak.txt": "kept"}


def expected_outcomes() -> dict[str, str]:
    outcomes = {name: outcome for name, (_, outcome) in FILES.items() if name != "records.jsonl"}
    outcomes |= JSONL_LINES | {name: outcome for name, (_, outcome) in LINKS.items()} | SPECIAL | ODD_NAMES
    return outcomes


def build_tree(root: Path, outside: Path) -> None:
    for name, (data, _) in FILES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    outside.write_text(GERMAN, encoding="utf-8")
    for name, (target, _) in LINKS.items():
        os.symlink(outside if target == "OUTSIDE" else target, root / name)
    (root / os.fsdecode(NOT_UTF8_NAME)).write_bytes(GERMAN.encode())
    (root / "line\nbreak.txt").write_bytes(GERMAN.encode())
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(root / "socket.txt"))


def tree_fingerprint(root: Path) -> dict[str, tuple]:
    """Every entry under root: kind, mode, and content hash (files) or target (symlinks)."""
    entries = {}
    for path in sorted(root.rglob("*")):
        info = path.lstat()
        if path.is_symlink():
            entries[str(path)] = ("link", info.st_mode, os.readlink(path))
        elif path.is_file():
            entries[str(path)] = ("file", info.st_mode, info.st_mtime_ns, hashlib.sha256(path.read_bytes()).hexdigest())
        else:
            entries[str(path)] = ("other", info.st_mode)
    return entries


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> dict:
    """The hostile tree cleaned once through `python -m pipeline`."""
    base = tmp_path_factory.mktemp("hostile")
    root = base / "in"
    root.mkdir()
    build_tree(root, base / "outside.txt")
    before = tree_fingerprint(root)
    output = base / "out"
    config = base / "no-repeats.toml"  # many of the files hold one text: as a corpus, that text is furniture
    config.write_text("[repeats]\nenabled = false\n", encoding="utf-8")
    command = [sys.executable, "-m", "pipeline", str(root), "-o", str(output), "--workers", "1", "--quiet"]
    finished = subprocess.run([*command, "--config", str(config)], cwd=ROOT, capture_output=True, text=True, timeout=600)
    corpus = read_jsonl(output / "corpus.jsonl")
    rejected = read_jsonl(output / "rejected.jsonl")
    return {
        "returncode": finished.returncode,
        "stderr": finished.stderr,
        "before": before,
        "after": tree_fingerprint(root),
        "corpus": {record["source"]: record for record in corpus},
        "rejected": {reject["source"]: reject for reject in rejected},
        "sources": [record["source"] for record in corpus] + [reject["source"] for reject in rejected],
    }


def test_run_succeeds_despite_the_bad_files(hostile):
    assert hostile["returncode"] == 0, hostile["stderr"]


def test_input_tree_is_not_modified(hostile):
    assert hostile["after"] == hostile["before"]


def test_every_input_accounted_for_exactly_once(hostile):
    assert sorted(hostile["sources"]) == sorted(expected_outcomes())


@pytest.mark.parametrize("source", sorted(expected_outcomes()))
def test_outcome_of_each_hostile_input(hostile, source):
    expected = expected_outcomes()[source]
    if expected == "kept":
        assert source in hostile["corpus"], hostile["rejected"].get(source)
    else:
        assert hostile["rejected"].get(source, {}).get("reason") == expected
        assert hostile["rejected"][source].get("detail")


def test_utf16_with_and_without_bom_decodes_to_the_same_text(hostile):
    expected = normalize_whitespace(GERMAN)
    for name in ("utf16-bom.txt", "utf16-le.txt", "utf16-be.txt"):
        assert hostile["corpus"][name]["text"] == expected


def test_utf16_without_bom_in_another_script(hostile):
    assert hostile["corpus"]["utf16-le-cyrillic.txt"]["text"] == "\n\n".join(RUSSIAN)


def test_invalid_bytes_in_the_middle_keep_the_valid_text_intact(hostile):
    text = hostile["corpus"]["mixed-bytes.txt"]["text"]
    assert text.startswith("Le café coûte trois euros — pas plus.\nPuis un ")
    assert text.endswith(" et la fin, très bien.")
    assert "“mot”" in text and "codé" in text  # the stray cp1252 bytes were read as cp1252


def test_declared_windows_1251_page_comes_out_in_cyrillic(hostile):
    record = hostile["corpus"]["cyrillic.html"]
    assert record["text"] == "\n\n".join(RUSSIAN)
    assert record["encoding"]["detected"].startswith("cp1251")


def test_deeply_nested_html_still_yields_its_text(hostile):
    assert NESTED_SENTENCE in hostile["corpus"]["nested.html"]["text"]


def test_huge_inline_script_is_not_text(hostile):
    record = hostile["corpus"]["big-script.html"]
    assert "aaaa" not in record["text"]
    assert record["text"].startswith("The harbour authority approved")


def test_jsonl_keeps_good_lines_and_reports_broken_ones_by_line_number(hostile):
    assert hostile["corpus"]["records.jsonl:1"]["text"] == "Erster guter Eintrag mit genug Wörtern."
    assert hostile["corpus"]["records.jsonl:1"]["url"] == "https://example.org/a"
    assert "\u2028" not in hostile["corpus"]["records.jsonl:8"]["text"]  # one record, not split at U+2028
    assert hostile["corpus"]["records.jsonl:8"]["text"].endswith("is valid JSON.")
    for source in ("records.jsonl:2", "records.jsonl:3", "records.jsonl:5", "records.jsonl:6", "records.jsonl:7"):
        number = source.rsplit(":", 1)[1]
        assert hostile["rejected"][source]["detail"].startswith(f"line {number}: ")
    assert "invalid JSON" in hostile["rejected"]["records.jsonl:2"]["detail"]
    assert "not a string" in hostile["rejected"]["records.jsonl:3"]["detail"]


def test_truncated_compressed_jsonl_keeps_the_lines_before_the_break(tmp_path):
    def spelled(number: int) -> str:  # digits alone would not tell the lines apart as repeated-line keys
        return "".join("nullseinszweidreiviersechs"[int(digit) * 2 : int(digit) * 2 + 2] for digit in str(number))

    lines = [json.dumps({"text": f"Eintrag {spelled(n)}: die Fähre fährt heute pünktlich ab."}) for n in range(1, 4001)]
    packed = gzip.compress("\n".join(lines).encode("utf-8"), mtime=0)
    (tmp_path / "batch.jsonl.gz").write_bytes(packed[: len(packed) // 2])
    result = clean_dir([tmp_path / "batch.jsonl.gz"], tmp_path / "out")
    kept = [record["source"] for record in result["corpus"]]
    assert 0 < len(kept) < 4000
    assert sorted(kept) == sorted(f"batch.jsonl.gz:{number}" for number in range(1, len(kept) + 1))  # the first lines
    assert [(r["source"], r["reason"]) for r in result["rejected"]] == [("batch.jsonl.gz", "corrupt_archive")]


def test_file_names_are_kept_as_they_are(hostile):
    for name in ("name with spaces.txt", "accentué é ñ.txt", "-dash--name-.txt", "dir.txt/inside.txt", "line\nbreak.txt"):
        assert hostile["corpus"][name]["text"] == normalize_whitespace(GERMAN)


def test_symlink_escaping_the_input_is_not_followed(hostile):
    assert "outside the input" in hostile["rejected"]["escape.txt"]["detail"]


def test_same_name_in_two_input_directories_keeps_both(tmp_path):
    for directory, text in (("first", GERMAN), ("second", RUSSIAN[0])):
        (tmp_path / directory).mkdir()
        (tmp_path / directory / "article.txt").write_text(text, encoding="utf-8")
    result = clean_dir([tmp_path / "first", tmp_path / "second", tmp_path / "first"], tmp_path / "out")
    sources = {record["source"]: record["text"] for record in result["corpus"]}
    assert sources == {"article.txt": normalize_whitespace(GERMAN), f"{tmp_path}/second/article.txt": RUSSIAN[0]}


def test_symlink_named_on_the_command_line_is_followed(tmp_path):
    (tmp_path / "archive").mkdir()
    (tmp_path / "archive" / "story.txt").write_text(GERMAN, encoding="utf-8")
    (tmp_path / "current.txt").symlink_to(tmp_path / "archive" / "story.txt")
    result = clean_dir([tmp_path / "current.txt"], tmp_path / "out")
    assert [(record["source"], record["text"]) for record in result["corpus"]] == [("current.txt", normalize_whitespace(GERMAN))]


def test_named_pipe_is_read_to_its_end(tmp_path):
    """A named pipe streams a file from another program: what is written into it is one document."""
    root = tmp_path / "in"
    root.mkdir()
    os.mkfifo(root / "stream.txt")

    def write():
        with open(root / "stream.txt", "w", encoding="utf-8") as pipe:
            pipe.write(GERMAN)

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    result = clean_dir([root], tmp_path / "out")
    assert [(record["source"], record["text"]) for record in result["corpus"]] == [("stream.txt", normalize_whitespace(GERMAN))]


def test_unexpected_error_in_one_file_does_not_stop_the_run(tmp_path, monkeypatch):
    """A failure nobody foresaw (here: the HTML extractor crashing on one page) rejects that file only."""
    root = tmp_path / "in"
    root.mkdir()
    (root / "fine.txt").write_text(GERMAN, encoding="utf-8")
    (root / "crash.html").write_text(_html("<p>Any page at all.</p>"), encoding="utf-8")

    def broken_extractor(html):
        raise MemoryError("simulated")

    monkeypatch.setattr("pipeline.readers.extract_html", broken_extractor)
    result = clean_dir([root], tmp_path / "out")
    assert [record["source"] for record in result["corpus"]] == ["fine.txt"]
    assert result["rejected"] == [{"source": "crash.html", "reason": "internal_error", "detail": "MemoryError: simulated"}]


def test_unreadable_file_is_rejected_and_the_run_goes_on(tmp_path, monkeypatch):
    root = tmp_path / "in"
    root.mkdir()
    (root / "fine.txt").write_text(GERMAN, encoding="utf-8")
    locked = root / "locked.txt"
    locked.write_text(GERMAN, encoding="utf-8")
    locked.chmod(0)
    try:
        with open(locked, "rb"):
            can_read_anyway = True  # root ignores file modes: make opening this one file fail instead
    except PermissionError:
        can_read_anyway = False
    if can_read_anyway:
        real_open = open

        def guarded_open(file, *args, **kwargs):
            if os.fspath(file) == str(locked):
                raise PermissionError(13, "Permission denied", str(locked))
            return real_open(file, *args, **kwargs)

        monkeypatch.setattr("builtins.open", guarded_open)
    try:
        result = clean_dir([root], tmp_path / "out")
    finally:
        locked.chmod(0o644)
    assert [record["source"] for record in result["corpus"]] == ["fine.txt"]
    assert [(r["source"], r["reason"]) for r in result["rejected"]] == [("locked.txt", "unreadable")]
    assert "Permission denied" in result["rejected"][0]["detail"]


def test_file_above_the_size_limit_is_rejected_too_large(tmp_path):
    root = tmp_path / "in"
    root.mkdir()
    with open(root / "huge.txt", "wb") as handle:  # 50 MB on one line, above the default limit
        handle.write(b"word " * 10_485_760)
    (root / "bomb.txt.gz").write_bytes(gzip.compress(b"zero " * 12_000_000, compresslevel=1, mtime=0))  # 60 MB inflated
    (root / "small.txt").write_text(GERMAN, encoding="utf-8")
    result = clean_dir([root], tmp_path / "out")
    assert Config().input.max_document_bytes < 50_000_000 + 1
    assert [record["source"] for record in result["corpus"]] == ["small.txt"]
    assert {r["source"]: r["reason"] for r in result["rejected"]} == {"huge.txt": "too_large", "bomb.txt.gz": "too_large"}


def test_oversized_jsonl_line_is_rejected_alone(tmp_path):
    root = tmp_path / "in"
    root.mkdir()
    long_text = "lang " * 60_000
    lines = [{"text": GERMAN}, {"text": long_text}, {"text": "Ein kurzer dritter Eintrag, der bleibt."}]
    (root / "batch.jsonl").write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    config = Config().replace("input", max_document_bytes=100_000)
    result = clean_dir([root], tmp_path / "out", config)
    assert [record["source"] for record in result["corpus"]] == ["batch.jsonl:1", "batch.jsonl:3"]
    assert [(r["source"], r["reason"]) for r in result["rejected"]] == [("batch.jsonl:2", "too_large")]


def test_one_very_long_line_is_kept_whole(tmp_path):
    words = ["river", "bank", "bridge", "ferry", "harbour", "tide", "boat", "quay", "mist", "gull"]
    line = " ".join(f"{words[i % 10]}{i % 977}" for i in range(600_000))  # about 5 MB, no line break
    (tmp_path / "line.txt").write_text(line, encoding="utf-8")
    result = clean_dir([tmp_path / "line.txt"], tmp_path / "out")
    assert [record["text"] for record in result["corpus"]] == [line]


def test_many_tiny_lines_are_all_kept(tmp_path):
    lines = [f"Zeile {i} endet hier." for i in range(200_000)]
    (tmp_path / "lines.txt").write_text("\n".join(lines), encoding="utf-8")
    result = clean_dir([tmp_path / "lines.txt"], tmp_path / "out")
    assert result["corpus"][0]["text"].split("\n") == lines


@pytest.mark.parametrize("furniture", ["12 March 2024", "Source: Harbour Times"])
def test_thousands_of_edge_metadata_lines_go_in_one_cleaning(tmp_path, furniture):
    """Metadata found near the page's edges: 20,000 such lines above and below an article all go at once
    (counted by the lines kept around them), not a few per cleaning round."""
    prose = ["The ferry left the harbour at dawn and reached the island well before noon.", "The boat came back late."]
    text = "\n\n".join([furniture] * 20_000 + prose + [furniture] * 20_000)
    (tmp_path / "page.txt").write_text(text, encoding="utf-8")
    record = clean_dir([tmp_path / "page.txt"], tmp_path / "out")["corpus"][0]
    assert record["text"] == "\n\n".join(prose) and len(record["removed"]) == 40_000


@pytest.mark.parametrize("prose_first", [True, False])
@pytest.mark.parametrize("furniture", ["Error 404", "Leave a reply", "Related articles", "Share on Facebook"])
def test_thousands_of_furniture_lines_are_removed_in_linear_time(tmp_path, furniture, prose_first):
    """Each rule scope (tail, zone, section, line) on 20,000 matching lines, after an article or alone:
    work quadratic in the number of lines would not finish."""
    prose = ["The ferry left the harbour at dawn and reached the island well before noon.", "The boat came back late."]
    text = "\n\n".join([*prose, *[furniture] * 20_000] if prose_first else [furniture] * 20_000)
    (tmp_path / "page.txt").write_text(text, encoding="utf-8")
    result = clean_dir([tmp_path / "page.txt"], tmp_path / "out")
    if prose_first:
        assert result["corpus"][0]["text"] == "\n\n".join(prose)
        assert len(result["corpus"][0]["removed"]) == 20_000
    else:
        assert result["corpus"] == []
        assert result["rejected"][0]["reason"] in {"error_page", "empty_after_cleaning"}


def test_a_few_stray_nul_bytes_do_not_make_a_page_binary(tmp_path):
    page = "<html><body><article>" + "".join(f"<p>{p}</p>" for p in RUSSIAN * 20) + "</article></body></html>"
    data = page.encode("utf-8").replace(b"<article>", b"<article>" + bytes(22))  # 22 NULs in ~8 KB, as seen in the wild
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "page.html").write_bytes(data)
    result = clean_dir([tmp_path / "in"], tmp_path / "out")
    assert [r["source"] for r in result["corpus"]] == ["page.html"]
    assert "\x00" not in result["corpus"][0]["text"]
    assert RUSSIAN[0][:40] in result["corpus"][0]["text"]


def test_input_directory_reached_through_a_symlink_is_read(tmp_path):
    """A linked data directory (`data -> /mnt/disk/data`) is a directory: its files are read."""
    (tmp_path / "disk").mkdir()
    (tmp_path / "disk" / "story.txt").write_text(GERMAN, encoding="utf-8")
    (tmp_path / "data").symlink_to(tmp_path / "disk")
    result = clean_dir([tmp_path / "data"], tmp_path / "out")
    assert [record["source"] for record in result["corpus"]] == ["story.txt"]
    assert result["rejected"] == []


def test_overlapping_inputs_read_each_file_once(tmp_path):
    """A directory, a folder inside it and a file inside that: every file once, every source once."""
    root = tmp_path / "in"
    (root / "sub").mkdir(parents=True)
    (root / "top.txt").write_text(GERMAN, encoding="utf-8")
    (root / "sub" / "inner.txt").write_text(RUSSIAN[0], encoding="utf-8")
    (root / "sub" / "gone.txt").symlink_to(root / "missing.txt")
    result = clean_dir([root, root / "sub", root / "sub" / "inner.txt", root / "sub" / "gone.txt"], tmp_path / "out")
    assert [record["source"] for record in result["corpus"]] == ["sub/inner.txt", "top.txt"]
    assert [(r["source"], r["reason"]) for r in result["rejected"]] == [("sub/gone.txt", "unreadable")]


def test_directory_that_cannot_be_listed_is_rejected_unreadable(tmp_path, monkeypatch):
    root = tmp_path / "in"
    (root / "locked").mkdir(parents=True)
    (root / "locked" / "hidden.txt").write_text(RUSSIAN[1], encoding="utf-8")
    (root / "fine.txt").write_text(GERMAN, encoding="utf-8")
    real_scandir = os.scandir

    def guarded_scandir(path="."):  # root ignores directory modes: make listing this one directory fail
        if str(path) == str(root / "locked"):  # also called with file descriptors (shutil.rmtree)
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr("os.scandir", guarded_scandir)
    result = clean_dir([root], tmp_path / "out")
    assert [record["source"] for record in result["corpus"]] == ["fine.txt"]
    assert [(r["source"], r["reason"]) for r in result["rejected"]] == [("locked", "unreadable")]
    assert "Permission denied" in result["rejected"][0]["detail"]


def test_the_input_directory_itself_as_output_is_a_usage_error(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "story.txt").write_text(GERMAN, encoding="utf-8")
    command = [sys.executable, "-m", "pipeline", str(tmp_path / "in"), "-o", str(tmp_path / "in"), "--quiet"]
    finished = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert finished.returncode == 2
    assert finished.stderr.strip().splitlines() == [
        f"clean-corpus: output directory {tmp_path / 'in'} is the input directory {tmp_path / 'in'}: choose another one"
    ]
    assert sorted(path.name for path in (tmp_path / "in").iterdir()) == ["story.txt"]


def test_an_output_directory_inside_an_input_directory_is_never_read(tmp_path):
    """Otherwise the next run would read the last run's corpus and reports as input."""
    (tmp_path / "in" / "news").mkdir(parents=True)
    (tmp_path / "in" / "news" / "story.txt").write_text(GERMAN, encoding="utf-8")
    for _ in range(2):
        result = clean_dir([tmp_path / "in"], tmp_path / "in" / "out")
        assert [record["source"] for record in result["corpus"]] == ["news/story.txt"]
        assert result["rejected"] == []


def test_other_files_in_the_output_directory_are_left_alone(tmp_path):
    """Only an earlier run's corpus files (corpus.jsonl, corpus-NNNNN.jsonl) are replaced."""
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "story.txt").write_text(GERMAN, encoding="utf-8")
    output = tmp_path / "out"
    output.mkdir()
    for name in ("corpus-2023.jsonl", "corpus_notes.jsonl", "corpus-00004.jsonl", "corpus-00004.parquet"):
        (output / name).write_text('{"kept": "by the user"}\n', encoding="utf-8")
    clean_dir([tmp_path / "in"], output)
    names = sorted(path.name for path in output.glob("corpus*"))
    assert names == ["corpus-2023.jsonl", "corpus.jsonl", "corpus_notes.jsonl"]


def test_lone_surrogate_escapes_in_jsonl_metadata_are_replaced(tmp_path):
    """JSON can escape half of a surrogate pair (a cut emoji); UTF-8 cannot hold it, so it becomes U+FFFD."""
    (tmp_path / "in").mkdir()
    lines = [
        '{"text": "' + RUSSIAN[0] + '", "title": "Cut emoji \\ud83d here", "url": "https://example.org/\\udc00"}',
        json.dumps({"text": RUSSIAN[1]}),
    ]
    (tmp_path / "in" / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = clean_dir([tmp_path / "in"], tmp_path / "out")
    assert [record["source"] for record in result["corpus"]] == ["feed.jsonl:1", "feed.jsonl:2"]
    assert result["corpus"][0]["title"] == "Cut emoji \ufffd here"
    assert result["corpus"][0]["url"] == "https://example.org/\ufffd"


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_jsonl_lines_in_utf16_without_a_bom_are_all_rejected(tmp_path, codec):
    """Each line is sniffed on its own: none may be read in the wrong byte order and kept."""
    (tmp_path / "in").mkdir()
    lines = [json.dumps({"text": text}, ensure_ascii=False) for text in RUSSIAN * 2]
    (tmp_path / "in" / "wide.jsonl").write_bytes("\n".join(lines).encode(codec))
    result = clean_dir([tmp_path / "in"], tmp_path / "out")
    assert result["corpus"] == []
    assert [r["source"] for r in result["rejected"]] == [f"wide.jsonl:{number}" for number in (1, 2, 3, 4)]
    assert all("JSONL must be UTF-8" in r["detail"] for r in result["rejected"])


def test_jsonl_in_utf32_big_endian_is_rejected_as_a_whole(tmp_path):
    (tmp_path / "in").mkdir()
    lines = [json.dumps({"text": text}, ensure_ascii=False) for text in RUSSIAN]
    (tmp_path / "in" / "wide.jsonl").write_bytes(("\ufeff" + "\n".join(lines)).encode("utf-32-be"))
    result = clean_dir([tmp_path / "in"], tmp_path / "out")
    assert result["corpus"] == []
    assert [(r["source"], r["reason"]) for r in result["rejected"]] == [("wide.jsonl", "undecodable")]


def test_a_record_that_cannot_be_written_rejects_its_document_only(tmp_path, monkeypatch):
    """Text that UTF-8 cannot hold (a lone surrogate, here planted in one record's title) fails that document."""
    from pipeline import run

    root = tmp_path / "in"
    root.mkdir()
    (root / "fine.txt").write_text(GERMAN, encoding="utf-8")
    (root / "broken.txt").write_text("\n\n".join(RUSSIAN), encoding="utf-8")
    make_record = run.to_record

    def record_with_a_lone_surrogate(doc):
        record = make_record(doc)
        if doc.source == "broken.txt":
            record["title"] = "half an emoji \udc00"
        return record

    monkeypatch.setattr(run, "to_record", record_with_a_lone_surrogate)
    result = clean_dir([root], tmp_path / "out")
    assert [record["source"] for record in result["corpus"]] == ["fine.txt"]
    [reject] = result["rejected"]
    assert (reject["source"], reject["reason"]) == ("broken.txt", "internal_error")
    assert reject["detail"].startswith("UnicodeEncodeError")


@pytest.mark.parametrize("name", ["gone.txt.gz", "gone.jsonl.bz2"])
def test_a_compressed_file_that_vanished_is_unreadable_not_a_corrupt_archive(tmp_path, name):
    from pipeline.readers import InputFile, read_documents

    [reject] = read_documents(InputFile(str(tmp_path / name), name), Config())
    assert (reject.source, reject.reason) == (name, "unreadable")
    assert reject.detail.startswith("FileNotFoundError")
