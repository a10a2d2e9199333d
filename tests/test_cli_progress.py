"""The batch progress bar: drawn under the status lines on a terminal, absent from logs."""

from __future__ import annotations

import io

from analyzer.cli.progress import ProgressBar, _duration

CLEAR = "\r\x1b[2K"


def test_off_a_terminal_only_the_status_lines_are_written():
    stream = io.StringIO()
    bar = ProgressBar(2, stream=stream)
    assert not bar.enabled  # a StringIO is no terminal
    bar.echo("[1/2] a.pdf: 3 clauses")
    bar.advance()
    bar.echo("[2/2] b.pdf: failed", out=stream)
    bar.advance(failed=True)
    bar.close()
    assert stream.getvalue() == "[1/2] a.pdf: 3 clauses\n[2/2] b.pdf: failed\n"


def test_on_a_terminal_the_bar_stays_below_the_status_lines():
    stream, out = io.StringIO(), io.StringIO()
    bar = ProgressBar(3, stream=stream, enabled=True)
    assert "0/3 documents" in stream.getvalue()
    bar.echo("[1/3] a.pdf: 3 clauses")
    bar.echo("a.json", out=out)
    bar.advance()
    bar.echo("dnh: b.pdf: the file is empty")
    bar.advance(failed=True)
    text = stream.getvalue()
    # each status line comes after the bar was cleared, and the bar is redrawn after it
    assert f"{CLEAR}[1/3] a.pdf: 3 clauses\n" in text
    last_bar = text.rsplit(CLEAR, 1)[1]
    assert "2/3 documents" in last_bar and "67%" in last_bar and "1 failed" in last_bar
    assert out.getvalue() == "a.json\n"  # results go to their own stream, unmixed with the bar
    bar.advance(skipped=True)  # the last one: nothing more is drawn
    bar.close()
    assert stream.getvalue().endswith(CLEAR)
    assert stream.getvalue().count("[") >= 3


def test_the_bar_line_fits_the_width_and_counts():
    bar = ProgressBar(4, stream=io.StringIO(), enabled=False)
    bar.advance()
    bar.advance(failed=True)
    line = bar.line(60)
    assert len(line) <= 60
    assert line.startswith("[") and "#" in line and "." in line
    assert "2/4 documents" in line and "50%" in line and "1 failed" in line and "ETA" in line
    assert bar.line(20) == bar.line(20)[:20]  # too narrow for a bar: the counts alone


def test_durations_read_naturally():
    assert [_duration(s) for s in (4.4, 65, 3 * 3600 + 120)] == ["4s", "1m05s", "3h02m"]
