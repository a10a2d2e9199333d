"""Analyse: upload documents, confirm the country and type the analyzer guessed, audit them into the store."""

from __future__ import annotations

import hashlib

import streamlit as st

from analyzer.dashboard import resources
from analyzer.dashboard.uploads import Inspected, audit_upload, inspect_upload, save_upload
from analyzer.dashboard.widgets import document_label, go_to, plain
from analyzer.errors import InputError
from analyzer.ingest.language import audit_language

COUNTRIES = {
    "": "not given",
    "BN": "Brunei Darussalam",
    "KH": "Cambodia",
    "ID": "Indonesia",
    "LA": "Lao PDR",
    "MY": "Malaysia",
    "MM": "Myanmar",
    "PH": "Philippines",
    "SG": "Singapore",
    "TH": "Thailand",
    "TL": "Timor-Leste",
    "VN": "Viet Nam",
    "INT": "international",
}
FILE_TYPES = ["pdf", "docx", "txt", "md", "html", "htm"]


def _inspect(upload, password: str) -> Inspected | str:
    """The upload read and inspected (kept in the session by content), or the one-line reason it was refused."""
    data = upload.getvalue()
    key = (hashlib.sha256(data).hexdigest(), password)
    seen = st.session_state.setdefault("inspected", {})
    if key not in seen:
        with st.spinner(f"Reading {plain(upload.name)}…"):
            try:
                path = save_upload(upload.name, data, resources.uploads_dir())
                seen[key] = inspect_upload(path, password=password or None)
            except InputError as error:
                reason = " ".join(error.reason.split()).replace(  # the command line's words, here the box's
                    "give the password with --password", "enter it under 'Encrypted PDF?' above"
                )
                seen[key] = f"{upload.name}: {reason}"
    return seen[key]


def _labels(upload, inspected: Inspected, number: int) -> tuple[str, str]:
    """Country and document type for one upload, pre-filled with the guesses and editable."""
    document = inspected.document
    st.markdown(f"**{number}. {plain(upload.name)}**")
    st.caption(
        f"{document.page_count} pages · language {plain(document.language or 'unknown')} · "
        f"title: {plain(document.title[:120] or 'none found')}"
    )
    for warning in document.warnings:
        st.warning(plain(warning))
    if unread := audit_language(document.text, document.language)[1]:  # said before the audit, too
        st.warning(plain(unread))
    left, right = st.columns(2)
    codes = list(COUNTRIES)
    guess = inspected.country if inspected.country in COUNTRIES else ""
    country = left.selectbox(
        "Country (guessed from the text; change it if wrong)",
        codes,
        index=codes.index(guess),
        format_func=lambda code: f"{code} – {COUNTRIES[code]}" if code else COUNTRIES[code],
        key=f"country-{document.doc_id}",
    )
    doc_type = right.text_input(
        "Document type (guessed; e.g. law, regulation, SOP, guideline, circular, MOU)",
        value=inspected.doc_type or "",
        key=f"type-{document.doc_id}",
    )
    return country, doc_type


def _audit(batch: list[tuple[object, Inspected, str, str]], password: str) -> None:
    bar = st.progress(0.0, text="Starting…")
    classifier = resources.classifier()
    last, audited = None, 0
    with resources.store() as store:
        for position, (upload, inspected, country, doc_type) in enumerate(batch):
            name = plain(upload.name)

            def on_stage(stage: str, done: float, position=position, name=name) -> None:
                bar.progress((position + done) / len(batch), text=f"{name}: {stage}…")

            try:
                result = audit_upload(
                    inspected,
                    country=country,
                    doc_type=doc_type,
                    classifier=classifier,
                    store=store,
                    on_stage=on_stage,
                    password=password or None,
                )
            except InputError as error:  # a scanned file read again for the chosen country
                st.error(plain(f"{upload.name}: {' '.join(error.reason.split())}"))
                continue
            card = result.scorecard
            score = "not scored" if card["score"] is None else f"score {card['score']:.0f}"
            st.success(
                f"{plain(upload.name)}: {len(result.clauses)} clauses, {card['harmful']} harmful and "
                f"{card['protective']} protective findings, {card['needs_review']} to review; {score}."
            )
            last, audited = result.document.doc_id, audited + 1
            if password:  # for the page view and the highlighted PDF, in this browser session only
                resources.remember_password(last, password)
    failed = f"; {len(batch) - audited} could not be read" if audited < len(batch) else ""
    bar.progress(1.0, text=f"Done: {audited} document(s) audited and saved in the store{failed}.")
    st.session_state["doc_id"] = last
    st.session_state["analysed"] = last


def _stored() -> None:
    st.subheader("Documents in the store")
    documents = resources.documents()
    if documents.empty:
        st.info("None yet: upload a document above.")
        return
    table = documents[
        ["title", "file_name", "country", "doc_type", "pages", "clauses", "score", "audited_at"]
    ]
    shown = table.style.format({"score": "{:.0f}"}, na_rep="not scored", subset=["score"]).format(
        na_rep="", subset=["doc_type"]
    )
    st.dataframe(shown, hide_index=True, width="stretch")
    ids = list(documents["doc_id"])
    labels = {row["doc_id"]: document_label(row) for _, row in documents.iterrows()}
    chosen = st.selectbox("Open a stored document", ids, format_func=labels.get, key="open-stored")
    if st.button("Open", key="open-button"):
        go_to("document", doc_id=chosen)


def show() -> None:
    st.title("Analyse policy documents")
    st.write(
        "Upload counter-trafficking laws, SOPs, shelter rules or guidelines (PDF, DOCX, TXT, HTML). Each "
        "clause is checked against the Do No Harm principles; harmful provisions are highlighted on their page."
    )
    uploads = st.file_uploader("Documents", type=FILE_TYPES, accept_multiple_files=True, key="uploads")
    with st.expander("Encrypted PDF?"):
        password = st.text_input("Password", type="password", key="password")
    batch, contents = [], set()
    for number, upload in enumerate(uploads or [], start=1):
        inspected = _inspect(upload, password)
        if isinstance(inspected, str):
            st.error(plain(inspected))
            continue
        if inspected.document.doc_id in contents:
            st.info(plain(f"{upload.name}: the same file as one above; analysed once."))
            continue
        contents.add(inspected.document.doc_id)
        batch.append((upload, inspected, *_labels(upload, inspected, number)))
    if batch and st.button(f"Analyse {len(batch)} document(s)", type="primary", key="analyse"):
        _audit(batch, password)
    if st.session_state.get("analysed") and st.button("See the results", type="primary", key="see-results"):
        go_to("document", doc_id=st.session_state["analysed"])
    _stored()


if __name__ == "__main__":
    show()
