"""The dashboard's entry point: it only routes. Run ``dnh app`` (or ``streamlit run app.py``).

The screens are the modules of ``analyzer/dashboard/screens/``, listed in ``analyzer.dashboard.SCREENS``.
"""

import streamlit as st

from analyzer.dashboard import SCREENS, SCREENS_DIR

st.set_page_config(page_title="Do No Harm Policy Analyzer", page_icon=":material/shield:", layout="wide")
pages = [
    st.Page(SCREENS_DIR / module, title=title, icon=icon, url_path=url_path, default=position == 0)
    for position, (url_path, (title, icon, module)) in enumerate(SCREENS.items())
]
st.navigation(pages).run()
