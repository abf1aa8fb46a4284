"""Issue 2: `clean-corpus` turns the seeds (and other sites' furniture) into clean records."""

from __future__ import annotations

import gzip
import json
import re
import subprocess
import sys

import jsonschema
import pytest
from conftest import ROOT, SEEDS, clean_dir

SCHEMA = json.loads((ROOT / "pipeline/schema/record.schema.json").read_text(encoding="utf-8"))

# Furniture in each seed, read off the files by hand: every other block is article text.
SEED_FURNITURE = {
    "000_2863c88c8280fa55.txt": [
        "Oman’s Diplomatic Bridge in Afghanistan",
        "by Giorgio Cafiero",
        "Photo: Quadrilateral Coordination Group",
        "Giorgio Cafiero",
        "Giorgio Cafiero is the CEO and founder of Gulf State Analytics",
        "One Comment",
        "1. Obama in the Spring of 2009",
        "The two key players in any negotiations",
        "Comments are closed.",
    ],
    "001_9c83e067df388347.txt": [
        "Who’s to Blame for the Collapse of US-Taliban Peace Talks in Qatar?",
        "By Andrew Korybko",
        "Source: Oriental Review",
        "Similar Posts",
        "Leave a Reply",
        "Your email address will not be published.",
    ],
    "002_1ebd281067ef8c7f.txt": ["Taliban Negotiators Visit Russia and China Seeking To Resume Peace Process"],
    "003_592aeca20ffb493b.txt": [
        "James Schwemlein",
        "James Schwemlein is a nonresident scholar",
        "More >",
    ],
    "004_df2f1c781ba8214f.txt": [
        "Skip to main content",
        "Afghan officials carry out back channel talks with Taliban - reports",
        "Afghan security forces patrolling the streets in Kabul",
        "Page not found",
        "The content you requested does not exist or is not available anymore.",
    ],
}

EXPECTED_METADATA = {
    "000_2863c88c8280fa55.txt": ("Oman’s Diplomatic Bridge in Afghanistan", ["Giorgio Cafiero"], None),
    "001_9c83e067df388347.txt": (
        "Who’s to Blame for the Collapse of US-Taliban Peace Talks in Qatar?",
        ["Andrew Korybko"],
        "Oriental Review",
    ),
    "002_1ebd281067ef8c7f.txt": ("Taliban Negotiators Visit Russia and China Seeking To Resume Peace Process", [], None),
    "003_592aeca20ffb493b.txt": (None, ["James Schwemlein"], None),
    "004_df2f1c781ba8214f.txt": ("Afghan officials carry out back channel talks with Taliban - reports", [], None),
}


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def seed_blocks(name: str) -> list[str]:
    raw = (SEEDS / name).read_text(encoding="utf-8")
    return [squash(block) for block in re.split(r"\n\s*\n", raw) if block.strip()]


def is_furniture(block: str, furniture: list[str]) -> bool:
    return any(block.startswith(squash(item)) for item in furniture)


def test_five_records_sorted_by_source(seeds_run):
    sources = [record["source"] for record in seeds_run["corpus"]]
    assert sources == sorted(SEED_FURNITURE)
    assert seeds_run["rejected"] == []


@pytest.mark.parametrize("name", sorted(SEED_FURNITURE))
def test_seed_keeps_every_article_paragraph_and_drops_furniture(seeds_run, name):
    record = next(r for r in seeds_run["corpus"] if r["source"] == name)
    text = squash(record["text"])
    furniture = SEED_FURNITURE[name]
    article = [block for block in seed_blocks(name) if not is_furniture(block, furniture)]
    assert article, "the seed must have article paragraphs"
    for paragraph in article:
        assert paragraph in text, f"article paragraph lost: {paragraph[:80]}"
    for item in furniture:
        assert squash(item) not in text, f"furniture left in text: {item}"
    assert record["paragraphs"] == len(article)
    assert record["text"].count("\n\n") == len(article) - 1


@pytest.mark.parametrize("name", sorted(EXPECTED_METADATA))
def test_seed_metadata(seeds_run, name):
    record = next(r for r in seeds_run["corpus"] if r["source"] == name)
    title, authors, publisher = EXPECTED_METADATA[name]
    assert record["title"] == title
    assert record["authors"] == authors
    assert record["publisher"] == publisher
    assert record["language"] == "en"


def test_every_removal_names_its_rule(seeds_run):
    for record in seeds_run["corpus"]:
        for entry in record["removed"]:
            assert re.fullmatch(r"[a-z_]+\.[a-z0-9_]+", entry["rule"])
            assert entry["text"]
    removed = {e["text"]: e["rule"] for r in seeds_run["corpus"] for e in r["removed"]}
    assert removed["Skip to main content"].startswith("navigation.")
    assert removed["Page not found"].startswith("error_page.")
    assert removed["Leave a Reply"].startswith("comments.")
    assert removed["Source: Oriental Review"] == "metadata.source_line"


def test_records_match_the_json_schema(seeds_run):
    for record in seeds_run["corpus"]:
        jsonschema.validate(record, SCHEMA)


def test_record_counts_and_hash_describe_the_text(seeds_run):
    import hashlib

    for record in seeds_run["corpus"]:
        assert record["sha256"] == hashlib.sha256(record["text"].encode("utf-8")).hexdigest()
        assert record["chars"] == len(record["text"])
        assert record["words"] == len(record["text"].split())


def test_curly_quotes_and_dashes_are_kept(seeds_run):
    text = "".join(record["text"] for record in seeds_run["corpus"])
    assert "’" in text and "“" in text and "—" in text
    assert "\u00a0" not in text


def test_two_runs_are_byte_identical(tmp_path):
    clean_dir([SEEDS], tmp_path / "a")
    clean_dir([SEEDS], tmp_path / "b")
    for name in ("corpus.jsonl", "rejected.jsonl"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert not list((tmp_path / "a").glob(".*tmp*")), "no temporary files are left behind"


OTHER_SITE = """Jump to navigation

Ten Ways Cities Are Rethinking Their Bus Networks

By Maria Lopez and Tom Becker

Image: A city bus at a stop in the rain / AFP

Across the country, transit agencies are redrawing bus maps that had not changed in decades, cutting duplicate routes and running the busiest lines more often.

Planners say the aim is simple: a bus every ten minutes on the main corridors, so riders no longer need a timetable.

Related Articles

How one town doubled its ridership

Why fares are falling

Post a Comment

You must be logged in to post a comment.
"""


def test_other_wording_from_other_sites(tmp_path):
    corpus = tmp_path / "in"
    corpus.mkdir()
    (corpus / "bus.txt").write_text(OTHER_SITE, encoding="utf-8")
    result = clean_dir([corpus], tmp_path / "out")
    (record,) = result["corpus"]
    assert record["title"] == "Ten Ways Cities Are Rethinking Their Bus Networks"
    assert record["authors"] == ["Maria Lopez", "Tom Becker"]
    assert record["text"].startswith("Across the country")
    assert record["text"].endswith("no longer need a timetable.")
    assert record["paragraphs"] == 2


def test_bad_files_are_rejected_with_a_reason_and_the_rest_is_cleaned(tmp_path):
    corpus = tmp_path / "in"
    corpus.mkdir()
    (corpus / "good.txt").write_text(OTHER_SITE, encoding="utf-8")
    (corpus / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    (corpus / "empty.txt").write_bytes(b"   \n\n")
    (corpus / "error.txt").write_text("Page not found\n\nSorry, the page you are looking for does not exist.\n")
    with gzip.open(corpus / "packed.txt.gz", "wt", encoding="utf-8") as handle:
        handle.write(OTHER_SITE.replace("bus", "tram"))
    lines = [json.dumps({"text": OTHER_SITE.replace("bus", "ferry")}), "{broken", json.dumps({"text": 7})]
    (corpus / "batch.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = clean_dir([corpus], tmp_path / "out")
    kept = {r["source"] for r in result["corpus"]}
    reasons = {r["source"]: r["reason"] for r in result["rejected"]}
    assert kept == {"good.txt", "packed.txt.gz", "batch.jsonl:1"}
    assert reasons == {
        "image.txt": "binary",
        "empty.txt": "empty",
        "error.txt": "error_page",
        "batch.jsonl:2": "bad_jsonl_line",
        "batch.jsonl:3": "bad_jsonl_line",
    }
    assert result["report"]["documents_read"] == len(kept) + len(reasons)


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], capture_output=True, text=True, cwd=ROOT, timeout=300)


def test_missing_input_path_is_a_usage_error(tmp_path):
    result = run_cli(str(tmp_path / "nowhere"), "-o", str(tmp_path / "out"))
    assert result.returncode == 2
    assert "nowhere" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_cli_cleans_seeds_and_prints_a_summary(tmp_path):
    result = run_cli(str(SEEDS), "-o", str(tmp_path), "--workers", "1")
    assert result.returncode == 0, result.stderr
    assert "5 kept" in result.stderr
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert report["kept"] == 5 and report["rejected"] == 0
    assert report["removed_lines_by_rule"]["navigation.skip_link"] == 1


def test_help_describes_the_command():
    result = run_cli("--help")
    assert result.returncode == 0
    assert "INPUT" in result.stdout and "--config" in result.stdout


def test_an_output_that_cannot_be_written_is_a_fatal_error(tmp_path):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the output directory should be\n")
    result = run_cli(str(SEEDS), "-o", str(blocker / "out"), "--workers", "1")
    assert result.returncode == 1
    assert "fatal" in result.stderr and "Traceback" not in result.stderr
