"""What the leaderboard writes for other programs: CSV cells a spreadsheet will not run, Markdown without raw
HTML from a record, and output files replaced atomically."""

from __future__ import annotations

import csv
import io

from record_factory import make_record

from benchmarks.results import leaderboard, render


def _tables(**changes):
    return leaderboard.build([make_record(**changes)])


def test_csv_text_cells_that_start_a_formula_are_prefixed_and_numbers_are_not():
    tables = _tables(method="=HYPERLINK(1)", metrics={"acc": -0.5})
    [row] = list(csv.DictReader(io.StringIO(render.to_csv(tables))))
    assert row["method"] == "'=HYPERLINK(1)"  # before: a spreadsheet ran it
    assert float(row["acc_mean"]) == -0.5  # a negative number stays a number


def test_markdown_escapes_html_from_records():
    text = render.to_markdown(_tables(method="<img src=x onerror=alert(1)>", task="<script>alert(1)</script>"))
    assert "<script>" not in text and "<img" not in text  # before: passed through raw
    assert "&lt;script&gt;" in text and "&lt;img" in text


def test_leaderboard_out_keeps_the_previous_file_whole_when_the_write_fails(toy_tasks, results, tmp_path, monkeypatch,
                                                                            capsys):
    import errno

    from benchmarks.cli.app import main
    from benchmarks.records import store

    out = tmp_path / "board.md"
    out.write_text("the previous leaderboard\n")

    def full_disk(source, target):
        raise OSError(errno.ENOSPC, "No space left on device", str(source))

    monkeypatch.setattr(store.os, "replace", full_disk)
    assert main(["leaderboard", "--results", str(results), "--format", "markdown", "--out", str(out)]) == 1
    assert "ENOSPC" in capsys.readouterr().err
    # before: the previous file was replaced by a cut-off one, and empty files were left behind
    assert out.read_text() == "the previous leaderboard\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["board.md", "results"]
