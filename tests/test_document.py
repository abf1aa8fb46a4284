"""Document bookkeeping that every stage relies on: dropping lines records each one, keeps the rest in order."""

from __future__ import annotations

from pipeline.document import Document, split_lines


def test_drop_marked_removes_exactly_the_marked_lines_and_records_them_in_order():
    doc = Document("id", "a.txt", "text", split_lines("one\ntwo\n\nthree\nfour\n\nfive"))
    doc.drop_marked({3: "rule.b", 0: "rule.a", 7: "rule.out_of_range", -1: "rule.negative"})
    assert [line.text for line in doc.lines] == ["two", "three", "five"]
    assert doc.removed == [{"rule": "rule.a", "text": "one", "line": 1}, {"rule": "rule.b", "text": "four", "line": 5}]
    doc.drop([2, 0], "rule.c")
    assert [line.text for line in doc.lines] == ["three"]
    assert [entry["text"] for entry in doc.removed[2:]] == ["two", "five"]
    assert doc.text == "three"


def test_drop_marked_without_marks_or_lines_changes_nothing():
    doc = Document("id", "a.txt", "text", split_lines("only line"))
    doc.drop_marked({})
    assert doc.text == "only line" and doc.removed == []
    empty = Document("id", "b.txt", "text", [])
    empty.drop([0], "rule.a")
    assert empty.lines == [] and empty.removed == []
