"""The dashboard's entry point: it routes, and says on every other screen when uploads of a batch wait for the
Analyse screen to audit them. Run ``dnh app`` (or ``streamlit run app.py``).

The screens are the modules of ``analyzer/dashboard/screens/``, listed in ``analyzer.dashboard.SCREENS``.
"""

import streamlit as st

from analyzer.dashboard import SCREENS, SCREENS_DIR
from analyzer.dashboard.widgets import pending_audits

st.set_page_config(page_title="Do No Harm Policy Analyzer", page_icon=":material/shield:", layout="wide")
pages = [
    st.Page(SCREENS_DIR / module, title=title, icon=icon, url_path=url_path, default=position == 0)
    for position, (url_path, (title, icon, module)) in enumerate(SCREENS.items())
]
page = st.navigation(pages)
if page.url_path not in ("", "analyse"):  # Analyse, the default screen ("" as such), finishes them itself
    pending_audits()
page.run()
