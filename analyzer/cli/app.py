"""The ``dnh`` application object and what every command shares: failing on bad input, options.

Bad input (see :class:`~analyzer.errors.InputError`) ends a command with exit status 2 and one line on
stderr, ``dnh: <file>: <reason>``; nothing else prints a traceback to the user.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer

from analyzer import __version__
from analyzer.cli.progress import printable

app = typer.Typer(
    name="dnh",
    help="Do No Harm Policy Analyzer: find counter-trafficking provisions that harm victims.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

EXIT_BAD_INPUT = 2


class SegmentFormat(StrEnum):
    jsonl = "jsonl"
    table = "table"


def say(message: str) -> None:
    """Print ``message`` on stderr as one line, its control characters escaped (a file name can hold
    any)."""
    typer.echo(printable(" ".join(message.split())), err=True)


def fail(message: str) -> None:
    """Print one line on stderr and exit with the bad-input status."""
    say(f"dnh: {message}")
    raise typer.Exit(EXIT_BAD_INPUT)


def writable_file(path: Path) -> Path:
    """``path``, or one line and the bad-input status when no file can be written there: a folder, a
    folder that does not exist, no permission. Checked before the work (so that a long run is not lost to
    a mistyped ``-o``) without opening the file (an existing one is left as it is until the output is
    ready)."""
    import os

    if path.is_dir():
        reason = "a folder"
    elif not path.parent.is_dir():
        reason = "no such folder"
    elif not os.access(path.parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        reason = "permission denied"
    else:
        return path
    fail(f"{path}: cannot write this file ({reason})")


def output_file(path: Path | None):
    """``path`` (checked by :func:`writable_file`) opened for writing text, or stdout when None; one line
    and the bad-input status if it still cannot be opened."""
    import sys

    if path is None:
        return sys.stdout
    try:
        return open(writable_file(path), "w", encoding="utf-8")  # noqa: SIM115 (closed by the caller)
    except OSError as error:
        fail(f"{path}: cannot write this file ({_reason(error)})")


def output_folder(path: Path) -> Path:
    """``path`` created if needed (with its parents), or one line and the bad-input status when it cannot
    be a folder (a file has that name, no permission)."""
    import os

    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        fail(f"{path}: cannot use this as the output folder ({_reason(error)})")
    if not os.access(path, os.W_OK | os.X_OK):  # found now, not after the audits
        fail(f"{path}: cannot use this as the output folder (permission denied)")
    return path


def corpus_folder(corpus: Path | None) -> Path:
    """``corpus`` (default: corpus/ of this checkout), or one line and the bad-input status when it holds
    no ``clauses.jsonl``."""
    from analyzer.corpus.dataset import default_corpus_dir

    folder = corpus or default_corpus_dir()
    if not (folder / "clauses.jsonl").is_file():
        fail(f"{folder}: not a corpus folder (it needs clauses.jsonl)")
    return folder


def _reason(error: OSError) -> str:
    """An OSError in words, without the path it names: "Is a directory", "No such file or directory"."""
    if isinstance(error, FileExistsError):
        return "a file of that name exists"
    return error.strerror or type(error).__name__


def open_store(db: Path | None, *, existing: bool = False):
    """The store at ``db`` (default: $DNH_DB or the user data folder); one line on stderr and the
    bad-input status when it cannot be opened (not a DuckDB file, a newer schema, no permission) or, with
    ``existing`` (commands that only read it), when a ``db`` given does not exist: a mistyped path would
    otherwise leave a new empty store behind and report no audits."""
    import duckdb

    from analyzer.store import Store

    if existing:  # given, or set in $DNH_DB (the default folder's store is simply empty when new)
        import os

        from analyzer.store.schema import DB_ENV

        named = db if db is not None else os.environ.get(DB_ENV)
        if named and not Path(named).expanduser().exists():
            fail(f"{named}: no such store (`dnh audit --db {named}` creates it)")
    try:
        return Store(db)
    except (duckdb.Error, ValueError, OSError) as error:
        fail(f"the store cannot be opened: {' '.join(str(error).split())[:300]}")


def main() -> None:
    """The ``dnh`` entry point: :data:`app`, with a usage error (an unknown option, a value out of range, a
    missing argument) said in one line, ``dnh: <what> (see `dnh CMD --help`)``, exit status 2, instead of
    the framed usage text; Ctrl+C outside a batch ends with status 130 and nothing more."""
    import sys

    try:  # typer carries its own copy of click's exceptions (not click's classes) from 0.2x on
        from typer._click import exceptions as errors
    except ImportError:  # pragma: no cover - an older typer, on click itself
        from click import exceptions as errors

    try:
        code = app(standalone_mode=False)
    except errors.NoArgsIsHelpError as error:  # `dnh` alone: the help is the answer
        typer.echo(error.format_message())
        code = 0
    except errors.UsageError as error:
        where = error.ctx.command_path if error.ctx is not None else "dnh"
        say(f"dnh: {error.format_message()} (see `{where} --help`)")
        code = EXIT_BAD_INPUT
    except typer.Abort:
        code = 130
    except errors.ClickException as error:  # a file option that cannot be opened, and the like
        say(f"dnh: {error.format_message()}")
        code = error.exit_code
    sys.exit(code if isinstance(code, int) else 0)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"dnh {__version__}")
        raise typer.Exit()


@app.callback()
def _options(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version."
    ),
) -> None:
    """Do No Harm Policy Analyzer."""


MODEL_OPTION = typer.Option(None, "--model", help="Model folder (default: models/clause-classifier).")


def load_classifier(model: Path | None):
    """The classifier of ``model`` (default: the shipped one), or one line and the bad-input status when
    it cannot be loaded (not a model folder, another taxonomy, unexpected types in the file)."""
    from analyzer.classify.classifier import Classifier
    from analyzer.classify.model import ModelError

    try:
        return Classifier.load(model)
    except ModelError as error:
        fail(str(error))
