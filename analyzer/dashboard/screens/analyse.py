"""Analyse: upload documents, confirm the country and type the analyzer guessed, audit them into the store."""

from __future__ import annotations

import hashlib
import threading

import duckdb
import pandas as pd
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
LOCK = "audit-lock"  # held by the run auditing the queue
LOCK_WAIT = 300  # seconds a run waits for the one it replaced to stop (an audit reads under a time limit)


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


def _run_queue(shown: int) -> None:
    """Audit the queued documents one by one into the store. A document leaves the queue only once it is
    stored (or refused), so a run stopped half-way (the user moved to another screen) audits it again.

    Streamlit starts a new run of the script before the one it stopped has reached a point where it can
    stop (a Streamlit call, or reading the session state), and the old one may be inside an audit: the
    session's lock makes the new run wait for it, so that two runs never audit the same document at once.
    The bookkeeping after an audit touches neither Streamlit nor the session state, so a stop cannot fall
    between storing a document and taking it off the queue. ``shown``: how many of the batch's lines this
    run has shown already (the old run may have added some while this one waited).
    """
    queue, batch = st.session_state.get(QUEUE), st.session_state.get(BATCH)
    if not queue or batch is None:
        return
    lock = st.session_state.setdefault(LOCK, threading.Lock())
    with st.spinner("Waiting for the audit under way to stop…"):
        if not lock.acquire(timeout=LOCK_WAIT):
            st.warning("The batch is still being audited in another run: open Analyse again in a moment.")
            return
    try:
        for kind, text in batch["lines"][shown:]:
            getattr(st, kind)(text)
        _audit_queue(queue, batch)
    finally:
        lock.release()


def _audit_queue(queue: list[dict], batch: dict) -> None:
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
                _done(
                    queue,
                    item,
                    batch,
                    "error",
                    f"{name}: the upload is no longer in this session; upload it again.",
                )
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
                _done(queue, item, batch, "error", plain(f"{item['name']}: {' '.join(error.reason.split())}"))
                continue
            except duckdb.Error as error:  # the store is busy (another session saving the same file)
                st.error(
                    plain(
                        f"{item['name']}: not saved ({' '.join(str(error).split())[:200]}); it stays in the batch"
                    )
                    + ": open Analyse again to retry."
                )
                return
            card = result.scorecard
            score = "not scored" if card["score"] is None else f"score {card['score']:.0f}"
            batch["audited"] += 1
            batch["last"] = result.document.doc_id
            _done(
                queue,
                item,
                batch,
                "success",
                f"{name}: {len(result.clauses)} clauses, {card['harmful']} harmful and "
                f"{card['protective']} protective findings, {card['needs_review']} to review; {score}.",
            )
            if item["password"]:  # for the page view and the highlighted PDF, in this browser session only
                resources.remember_password(result.document.doc_id, item["password"])
    audited = batch["audited"]
    failed = f"; {size - audited} could not be read" if audited < size else ""
    done = f"Done: {audited} document(s) audited and saved in the store{failed}."
    batch["lines"].append(("info", done))
    bar.progress(1.0, text=f"{size} of {size} document(s) read.")  # the "Done" sentence shows once, below
    st.info(done)
    if batch["last"]:
        st.session_state["doc_id"] = st.session_state["analysed"] = batch["last"]


def _done(queue: list[dict], item: dict, batch: dict, kind: str, text: str) -> None:
    """Take ``item`` off the queue and keep its line (plain Python: no point where a run can stop), then
    show the line."""
    batch["lines"].append((kind, text))
    if item in queue:
        queue.remove(item)
    getattr(st, kind)(text)


def _batch_lines() -> int:
    """Show the lines of the last batch, kept across reruns until the next batch (and shown above the rest
    of a batch finished after coming back); return how many."""
    lines = list(st.session_state.get(BATCH, {}).get("lines", ()))
    for kind, text in lines:
        getattr(st, kind)(text)
    return len(lines)


def _stored() -> None:
    st.subheader("Documents in the store")
    documents = resources.documents()
    if documents.empty:
        st.info("None yet: upload a document above.")
        return
    table = documents[
        ["title", "file_name", "country", "doc_type", "pages", "clauses", "score", "audited_at"]
    ]
    # as text: the browser shows "None" for a missing value whatever a Styler says
    shown = table.assign(
        score=table["score"].map(lambda v: "not scored" if pd.isna(v) else f"{v:.0f}"),
        doc_type=table["doc_type"].fillna(""),
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
    _run_queue(_batch_lines())
    if st.session_state.get("analysed") and st.button("See the results", type="primary", key="see-results"):
        go_to("document", doc_id=st.session_state["analysed"])
    _stored()


if __name__ == "__main__":
    show()
