"""The Streamlit dashboard: ``app.py`` routes to the screens of :mod:`analyzer.dashboard.screens`.

Each screen is a script module with a ``show()`` function (Streamlit runs it as the page). The logic the
screens share lives beside them and knows nothing of Streamlit where it can: :mod:`.uploads` (saving,
reading and auditing an uploaded file), :mod:`.downloads` (report files as bytes), :mod:`.page_image`
(a page with its clauses drawn). :mod:`.resources` holds what one server process loads once (classifier,
taxonomy) and where the store lives; :mod:`.widgets` the pieces of page every screen draws the same way.
"""

from pathlib import Path

SCREENS_DIR = Path(__file__).resolve().parent / "screens"

# url path -> (title, icon, module file), in menu order. The first is the landing screen.
SCREENS: dict[str, tuple[str, str, str]] = {
    "analyse": ("Analyse", ":material/upload_file:", "analyse.py"),
    "document": ("Document", ":material/description:", "document.py"),
    "gaps": ("Gaps and contradictions", ":material/rule:", "gaps.py"),
    "compare": ("Compare countries", ":material/grid_on:", "compare.py"),
    "review": ("Review", ":material/fact_check:", "review.py"),
    "methodology": ("Methodology", ":material/menu_book:", "methodology.py"),
}
