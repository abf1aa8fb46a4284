"""Command-line options: --print-config, --format, --config with user rule files, progress and summary."""

from __future__ import annotations

import contextlib
import io
import os
import sys
import tomllib

import pytest
from test_report import NEWS_DE, RECIPE

from pipeline.cli import main
from pipeline.config import config_from_dict, load_config
from pipeline.progress import ProgressBar, show_progress
from pipeline.readers import InputFile

USER_RULES = """
[promotion]
description = "calls to buy a product placed between paragraphs"
rules = [
  { id = "shop_link", scope = "line", pattern = '(jetzt|hier) (im shop )?(kaufen|bestellen)|(buy|order) (it )?(now|here|online)' },
]
"""

TIP_PAGE = """Ein Dorf rettet seinen Laden

Seit die Bewohner den Dorfladen als Genossenschaft führen, hat er wieder an sechs Tagen in der Woche geöffnet. Über zweihundert Mitglieder haben Anteile gezeichnet.

Jetzt im Shop kaufen

Die Genossenschaft plant nun, auch ein kleines Café einzurichten, das vor allem die älteren Einwohner zusammenbringen soll.

Share on Facebook
"""


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def print_config(capsys, *args: str) -> dict:
    assert main(["--print-config", *args]) == 0
    return tomllib.loads(capsys.readouterr().out)


def test_print_config_shows_defaults_and_reads_back(capsys, tmp_path):
    printed = print_config(capsys)
    assert printed["repeats"]["min_docs"] == 5 and printed["output"]["formats"] == ["jsonl"]
    assert config_from_dict(printed) == load_config(None)
    config_file = tmp_path / "run.toml"
    config_file.write_text('[dedup]\nthreshold = 0.9\n\n[filters]\nquality_thresholds = { "stop_word_ratio" = { min = 0.1 } }\n')
    printed = print_config(capsys, "--config", str(config_file), "--format", "both", "--drop-duplicates")
    assert printed["dedup"] == {**printed["dedup"], "threshold": 0.9, "drop": True}
    assert printed["output"]["formats"] == ["jsonl", "parquet"]
    assert printed["filters"]["quality_thresholds"] == {"stop_word_ratio": {"min": 0.1}}
    reread = tmp_path / "printed.toml"
    assert main(["--print-config", "--config", str(config_file)]) == 0
    reread.write_text(capsys.readouterr().out, encoding="utf-8")
    assert load_config(reread) == load_config(config_file)


def test_bad_format_in_config_stops_before_work(capsys, tmp_path):
    config_file = tmp_path / "run.toml"
    config_file.write_text('[output]\nformats = ["csv"]\n', encoding="utf-8")
    assert main(["in", "-o", str(tmp_path / "out"), "--config", str(config_file)]) == 2
    assert "output.formats" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
    with pytest.raises(SystemExit) as stop:
        main(["in", "-o", "out", "--format", "xml"])
    assert stop.value.code == 2


def test_user_rules_extend_and_disable_builtin_rules(capsys, tmp_path):
    page = tmp_path / "dorfladen.txt"
    page.write_text(TIP_PAGE, encoding="utf-8")
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "shop.toml").write_text(USER_RULES, encoding="utf-8")
    config_file = tmp_path / "run.toml"
    config_file.write_text('[boilerplate]\nrules_files = ["rules/shop.toml"]\ndisable = ["share.share_buttons"]\n')
    assert main(["--explain", str(page)]) == 0
    default = capsys.readouterr().out
    assert "+ kept                 Jetzt im Shop kaufen" in default
    assert "- share.share_buttons  Share on Facebook" in default
    assert main(["--explain", str(page), "--config", str(config_file)]) == 0
    configured = capsys.readouterr().out
    assert "- promotion.shop_link  Jetzt im Shop kaufen" in configured
    assert "+ kept                 Share on Facebook" in configured


def test_progress_bar_counts_files_and_megabytes(tmp_path):
    files = []
    for index in range(3):
        path = tmp_path / f"{index}.txt"
        path.write_bytes(b"x" * 500_000)
        files.append(InputFile(str(path), path.name))
    files.append(InputFile(str(tmp_path / "gone.txt"), "gone.txt"))
    stream = FakeTerminal()
    bar = ProgressBar(stream)
    bar("start", files)
    bar("clean", ())
    bar("clean", files[:2])
    assert "2/4" in stream.getvalue().split("\r")[-1] and "1.0/1.5 MB" in stream.getvalue()
    bar("clean", files[2:])
    bar.close()
    final = stream.getvalue().split("\r")[-1]
    assert final.startswith("cleaning: 100%") and "4/4" in final and "1.5/1.5 MB" in final


def test_progress_only_for_a_terminal_without_quiet():
    assert show_progress(False, FakeTerminal())
    assert not show_progress(True, FakeTerminal())
    assert not show_progress(False, io.StringIO())


def run_cli(monkeypatch, stderr, tmp_path, *args: str) -> str:
    source = tmp_path / "in"
    source.mkdir(exist_ok=True)
    (source / "recipe.txt").write_text(RECIPE, encoding="utf-8")
    (source / "bibliothek.txt").write_text(NEWS_DE, encoding="utf-8")
    monkeypatch.setattr("sys.stderr", stderr)
    assert main([str(source), "-o", str(tmp_path / "out"), "--workers", "1", *args]) == 0
    return stderr.getvalue()


def test_terminal_gets_bar_and_summary(monkeypatch, tmp_path):
    err = run_cli(monkeypatch, FakeTerminal(), tmp_path)
    assert "cleaning: 100%" in err and "2/2" in err
    assert err.rstrip().splitlines()[-1].startswith("clean-corpus: 2 documents read, 2 kept, 0 rejected")


@pytest.mark.parametrize("stream, flags", [(io.StringIO(), ()), (FakeTerminal(), ("--quiet",))])
def test_no_bar_when_piped_or_quiet_but_still_a_summary(monkeypatch, tmp_path, stream, flags):
    err = run_cli(monkeypatch, stream, tmp_path, *flags)
    assert "%|" not in err
    assert err.startswith("clean-corpus: 2 documents read, 2 kept") and err.count("\n") == 1


@pytest.mark.parametrize("workers", ["0", "-5", "two"])
def test_worker_count_must_be_a_whole_number_of_one_or_more(capsys, tmp_path, workers):
    with pytest.raises(SystemExit) as stop:
        main([str(tmp_path), "-o", str(tmp_path / "out"), "--workers", workers])
    assert stop.value.code == 2
    assert f"--workers: must be a whole number of 1 or more, got '{workers}'" in capsys.readouterr().err


def test_an_output_that_is_a_file_is_a_usage_error(capsys, tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(RECIPE, encoding="utf-8")
    (tmp_path / "out").write_text("my notes", encoding="utf-8")
    assert main([str(tmp_path / "in"), "-o", str(tmp_path / "out"), "--workers", "1"]) == 2
    assert "exists and is not a directory" in capsys.readouterr().err
    assert (tmp_path / "out").read_text(encoding="utf-8") == "my notes"


def test_an_output_directory_that_cannot_be_created_is_named_in_one_line(capsys, tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(RECIPE, encoding="utf-8")
    (tmp_path / "notes.txt").write_text("my notes", encoding="utf-8")
    out = tmp_path / "notes.txt" / "out"
    assert main([str(tmp_path / "in"), "-o", str(out), "--workers", "1"]) == 1
    assert capsys.readouterr().err == f"clean-corpus: fatal: cannot write {out}: Not a directory\n"


def test_explain_html_that_cannot_be_written_is_one_line_not_a_traceback(capsys, tmp_path):
    page = tmp_path / "recipe.txt"
    page.write_text(RECIPE, encoding="utf-8")
    target = tmp_path / "no-such-dir" / "why.html"
    assert main(["--explain", str(page), "--html", str(target)]) == 1
    assert capsys.readouterr().err == f"clean-corpus: fatal: cannot write {target}: No such file or directory\n"
    assert not (tmp_path / "no-such-dir").exists()


def test_explain_of_a_directory_says_it_is_not_a_file(capsys, tmp_path):
    assert main(["--explain", str(tmp_path)]) == 2
    assert capsys.readouterr().err == f"clean-corpus: --explain: not a file (--explain takes one file): {tmp_path}\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--html", "why.html"], "--html goes with --explain FILE"),
        (["--explain", "page.txt", "in", "-o", "out"], "--explain and --print-config take no INPUT or -o OUTPUT_DIR"),
        (["--print-config", "-o", "out"], "--explain and --print-config take no INPUT or -o OUTPUT_DIR"),
    ],
)
def test_options_that_do_not_go_together_are_usage_errors(capsys, args, message):
    with pytest.raises(SystemExit) as stop:
        main(args)
    assert stop.value.code == 2
    assert capsys.readouterr().err.rstrip().endswith(f"clean-corpus: error: {message}")


def test_summary_of_an_input_without_files_says_so(monkeypatch, tmp_path):
    (tmp_path / "in").mkdir()
    monkeypatch.setattr("sys.stderr", io.StringIO())
    assert main([str(tmp_path / "in"), "-o", str(tmp_path / "out"), "--workers", "1"]) == 0
    expected = f"clean-corpus: 0 documents read (no input files found); empty output in {tmp_path / 'out'}\n"
    assert sys.stderr.getvalue() == expected


def test_summary_counts_one_document_in_the_singular(monkeypatch, tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(RECIPE, encoding="utf-8")
    monkeypatch.setattr("sys.stderr", io.StringIO())
    assert main([str(tmp_path / "in"), "-o", str(tmp_path / "out"), "--workers", "1"]) == 0
    assert sys.stderr.getvalue().startswith("clean-corpus: 1 document read, 1 kept, 0 rejected (none); ")
    assert "; 0 duplicates; output in " in sys.stderr.getvalue()


def test_an_interrupt_before_the_run_starts_is_one_line_and_exit_130(capsys, monkeypatch, tmp_path):
    def interrupted(path):
        raise KeyboardInterrupt

    monkeypatch.setattr("pipeline.cli.load_config", interrupted)
    try:
        code = main([str(tmp_path), "-o", str(tmp_path / "out")])
    except KeyboardInterrupt:  # escaped from main: the command would end in a traceback
        code = "traceback"
    assert code == 130
    assert capsys.readouterr().err == "clean-corpus: interrupted\n"
    assert not (tmp_path / "out").exists()


def test_progress_bar_is_drawn_on_a_terminal_of_unknown_size(tmp_path):
    """A fresh pseudo-terminal reports 0 columns (as some containers and CI runners do)."""
    path = tmp_path / "a.txt"
    path.write_bytes(b"x" * 2_000_000)
    terminal, screen = os.openpty()
    with os.fdopen(screen, "w") as stream:
        assert stream.isatty() and os.get_terminal_size(stream.fileno()).columns == 0
        bar = ProgressBar(stream)
        bar("start", [InputFile(str(path), path.name)])
        bar("clean", ())
        bar("clean", [InputFile(str(path), path.name)])
        bar.close()
    drawn = b""
    with contextlib.suppress(OSError):  # EIO: everything written has been read
        while chunk := os.read(terminal, 65536):
            drawn += chunk
    os.close(terminal)
    drawn = drawn.decode()
    assert "cleaning: 100%" in drawn and "1/1" in drawn and "2.0/2.0 MB" in drawn
