"""The ``dnh`` command line. Thin: it parses options, calls library functions and prints.

Each group of commands is a module of this package; importing them registers them on :data:`app`.
"""

from analyzer.cli import audit, corpus, dashboard, documents, models  # noqa: F401  (registers the commands)
from analyzer.cli.app import app, main

__all__ = ["app", "main"]

if __name__ == "__main__":  # pragma: no cover
    main()
