"""Atomic output files: complete or absent, never half-written."""

from __future__ import annotations

import pytest

from pipeline.writers import atomic_open, read_jsonl, remove_temporary_files, write_jsonl, write_lines


def test_a_failed_write_keeps_the_previous_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "corpus.jsonl"
    write_jsonl(target, [{"text": "old"}])
    with pytest.raises(RuntimeError), atomic_open(target) as handle:
        handle.write('{"text": "new, half')
        assert list(tmp_path.glob(".corpus.jsonl.tmp-*"))  # written beside the target, under another name
        raise RuntimeError("killed")
    assert list(read_jsonl(target)) == [{"text": "old"}]
    assert sorted(path.name for path in tmp_path.iterdir()) == ["corpus.jsonl"]


def test_a_finished_write_replaces_the_file(tmp_path):
    target = tmp_path / "corpus.jsonl"
    write_jsonl(target, [{"text": "old"}])
    assert write_jsonl(target, ({"text": word} for word in ["ein", "zwei"])) == 2
    assert list(read_jsonl(target)) == [{"text": "ein"}, {"text": "zwei"}]


def test_lines_are_written_as_given(tmp_path):
    target = tmp_path / "corpus.jsonl"
    lines = ['{"text":"Straße\u2028"}\n', '{"text":"二"}\n']
    assert write_lines(target, iter(lines)) == 2
    assert target.read_bytes() == "".join(lines).encode("utf-8")


def test_remove_temporary_files_removes_only_temporaries(tmp_path):
    (tmp_path / ".corpus-00001.jsonl.tmp-4242").write_text("half")
    (tmp_path / "corpus-00000.jsonl").write_text("{}\n")
    (tmp_path / ".hidden-notes").write_text("keep")
    remove_temporary_files(tmp_path)
    assert sorted(path.name for path in tmp_path.iterdir()) == [".hidden-notes", "corpus-00000.jsonl"]
