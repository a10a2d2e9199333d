"""``dnh app``: start the Streamlit dashboard, optionally on a store seeded with the sample documents."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import typer

from analyzer.cli.app import MODEL_OPTION, app, fail, load_classifier, open_store, say

APP_FILE = Path(__file__).resolve().parents[2] / "app.py"

# Settings that must hold wherever the command is run from (the repository's .streamlit/config.toml
# holds the same, for `streamlit run app.py`).
SERVER_FLAGS = {
    "--browser.gatherUsageStats": "false",
    "--server.headless": "true",
    "--server.maxUploadSize": "50",
    "--server.fileWatcherType": "none",
    "--runner.magicEnabled": "false",
    "--client.showErrorDetails": "none",
}


@app.command("app")
def dashboard(
    db: Path = typer.Option(None, "--db", help="DuckDB store (default: $DNH_DB or the user data folder)."),
    port: int = typer.Option(8501, "--port", min=1, max=65535, help="Port to serve on."),
    address: str = typer.Option("127.0.0.1", "--address", help="Address to listen on (0.0.0.0 for all)."),
    samples: bool = typer.Option(
        False, "--samples", help="First audit the bundled sample documents into the store (once)."
    ),
    model: Path = MODEL_OPTION,
) -> None:
    """Start the dashboard (upload, findings on the page, comparison, review) at http://ADDRESS:PORT."""
    if not APP_FILE.is_file():
        fail(f"{APP_FILE}: not found; the dashboard runs from a source checkout (make setup)")
    env = dict(os.environ)
    if db is not None:
        env["DNH_DB"] = str(db.expanduser().resolve())
    if model is not None:
        env["DNH_MODEL"] = str(model.expanduser().resolve())
    for name in ("DNH_DB", "DNH_MODEL"):  # the server runs from the repository: make paths absolute
        if env.get(name):
            env[name] = str(Path(env[name]).expanduser().resolve())
    store_path = Path(env["DNH_DB"]) if env.get("DNH_DB") else None
    if samples:
        _seed(store_path, model)
    else:  # what the server would only find at its first page: a store or a model it cannot open
        open_store(store_path).close()
        if model is not None:
            load_classifier(model)
    command = [sys.executable, "-m", "streamlit", "run", str(APP_FILE), "--server.port", str(port)]
    command += ["--server.address", address] + [part for item in SERVER_FLAGS.items() for part in item]
    typer.echo(f"dashboard at http://{address}:{port} (Ctrl+C stops it)", err=True)
    # Become the server rather than start it as a child, so that stopping this process (Ctrl+C, a
    # terminal closing, a test's terminate()) stops the server too and never leaves it running.
    sys.stdout.flush()
    sys.stderr.flush()
    os.chdir(APP_FILE.parent)
    os.execve(sys.executable, command, env)


def _seed(db: Path | None, model: Path | None) -> None:
    from analyzer.dashboard.samples import seed

    classifier = load_classifier(model)
    with open_store(db) as store:
        for path, status in seed(store, classifier):
            say(f"sample {path.name}: {status}")
