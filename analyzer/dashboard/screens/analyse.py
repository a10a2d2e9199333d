"""Analyse: upload documents, confirm the country and type the analyzer guessed, audit them into the store."""

from __future__ import annotations

import hashlib

import streamlit as st

from analyzer.dashboard import resources
from analyzer.dashboard.uploads import Inspected, audit_upload, inspect_upload, save_upload
from analyzer.dashboard.widgets import QUEUE, document_label, go_to, plain
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
BATCH = "audit-batch"  # the last batch: its size, how many were audited, its lines


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


def _queue(batch: list[tuple[object, Inspected, str, str]], password: str) -> None:
    """Put a batch in the session's audit queue. The queue outlives the run: moving to another screen stops
    Streamlit's script, and the documents not yet audited are audited when this screen is shown again."""
    st.session_state[QUEUE] = [
        {
            "key": (hashlib.sha256(upload.getvalue()).hexdigest(), password),  # the inspected cache's key
            "name": upload.name,
            "country": country,
            "doc_type": doc_type,
            "password": password,
        }
        for upload, _, country, doc_type in batch
    ]
    st.session_state[BATCH] = {"size": len(batch), "audited": 0, "last": None, "lines": []}


def _say(kind: str, text: str) -> None:
    """Show a line of the batch now and keep it, to show again after a rerun (or on coming back)."""
    st.session_state[BATCH]["lines"].append((kind, text))
    getattr(st, kind)(text)


def _run_queue() -> None:
    """Audit the queued documents one by one into the store. A document leaves the queue only once it is
    stored (or refused), so a run stopped half-way (the user moved to another screen) audits it again."""
    queue, batch = st.session_state.get(QUEUE), st.session_state.get(BATCH)
    if not queue or batch is None:
        return
    size = batch["size"]
    if size > len(queue):
        st.info(f"Finishing the batch started before: {len(queue)} of {size} document(s) left.")
    bar = st.progress((size - len(queue)) / size, text="Starting…")
    classifier = resources.classifier()
    seen = st.session_state.setdefault("inspected", {})
    with resources.store() as store:
        while queue:
            item, position = queue[0], size - len(queue)
            name = plain(item["name"])

            def on_stage(stage: str, done: float, position=position, name=name) -> None:
                bar.progress((position + done) / size, text=f"{name}: {stage}…")

            inspected = seen.get(item["key"])
            if not isinstance(inspected, Inspected):  # the session lost it: nothing to audit from
                queue.pop(0)
                _say("error", f"{name}: the upload is no longer in this session; upload it again.")
                continue
            try:
                result = audit_upload(
                    inspected,
                    country=item["country"],
                    doc_type=item["doc_type"],
                    classifier=classifier,
                    store=store,
                    on_stage=on_stage,
                    password=item["password"] or None,
                )
            except InputError as error:  # a scanned file read again for the chosen country
                queue.pop(0)
                _say("error", plain(f"{item['name']}: {' '.join(error.reason.split())}"))
                continue
            queue.pop(0)  # stored: before any Streamlit call, where a stop could come
            batch["audited"] += 1
            batch["last"] = result.document.doc_id
            if item["password"]:  # for the page view and the highlighted PDF, in this browser session only
                resources.remember_password(batch["last"], item["password"])
            card = result.scorecard
            score = "not scored" if card["score"] is None else f"score {card['score']:.0f}"
            _say(
                "success",
                f"{name}: {len(result.clauses)} clauses, {card['harmful']} harmful and "
                f"{card['protective']} protective findings, {card['needs_review']} to review; {score}.",
            )
    audited = batch["audited"]
    failed = f"; {size - audited} could not be read" if audited < size else ""
    done = f"Done: {audited} document(s) audited and saved in the store{failed}."
    bar.progress(1.0, text=done)
    batch["lines"].append(("info", done))
    if batch["last"]:
        st.session_state["doc_id"] = st.session_state["analysed"] = batch["last"]


def _batch_lines() -> None:
    """The lines of the last batch, kept across reruns until the next batch."""
    batch = st.session_state.get(BATCH)
    if batch and not st.session_state.get(QUEUE):
        for kind, text in batch["lines"]:
            getattr(st, kind)(text)


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
        _queue(batch, password)
    _batch_lines()
    _run_queue()
    if st.session_state.get("analysed") and st.button("See the results", type="primary", key="see-results"):
        go_to("document", doc_id=st.session_state["analysed"])
    _stored()


if __name__ == "__main__":
    show()
