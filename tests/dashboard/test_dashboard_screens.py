"""Each screen run by Streamlit's AppTest against a private copy of the seeded store."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analyzer.dashboard import SCREENS, SCREENS_DIR
from analyzer.dashboard.samples import SAMPLES_DIR
from analyzer.store import Store, load_documents
from analyzer.taxonomy import load_taxonomy

APP = Path(__file__).resolve().parents[2] / "app.py"
TIMEOUT = 120
PRIVACY = load_taxonomy().get("PRIVACY_CONFIDENTIALITY").name


def screen(name: str) -> AppTest:
    return AppTest.from_file(str(SCREENS_DIR / SCREENS[name][2]), default_timeout=TIMEOUT)


def unescaped(markdown: str) -> str:
    """Markdown source as the reader sees it (backslash escapes removed)."""
    return re.sub(r"\\(.)", r"\1", markdown)


def html_of(app: AppTest) -> str:
    return "\n".join(element.proto.body for element in app.get("html"))


def doc_id_of(db: Path, country: str) -> str:
    with Store(db) as store:
        documents = load_documents(store)
    return documents.loc[documents["country"] == country, "doc_id"].iloc[0]


def open_document(name: str, db: Path, country: str) -> AppTest:
    app = screen(name).run()
    app.selectbox(key="doc_id-picker").set_value(doc_id_of(db, country)).run()
    assert not app.exception, app.exception
    return app


@pytest.mark.parametrize("name", list(SCREENS))
def test_every_screen_runs_without_error(dashboard_env, name):
    app = screen(name).run()
    assert not app.exception, app.exception
    assert not app.error, [e.value for e in app.error]
    assert app.title[0].value


def test_the_app_routes_to_every_screen(dashboard_env):
    app = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    assert not app.exception and app.title[0].value == "Analyse policy documents"
    titles = {"review": "Review findings", "analyse": "Analyse policy documents"}
    for name, (title, _, module) in SCREENS.items():
        app.switch_page(str((SCREENS_DIR / module).relative_to(APP.parent))).run()
        assert not app.exception, (name, app.exception)
        assert app.title[0].value == titles.get(name, title)


def test_upload_audits_into_the_store_with_the_guessed_country(dashboard_env):
    app = screen("analyse").run()
    pdf = SAMPLES_DIR / "ph-referral-guidelines.pdf"
    app.get("file_uploader")[0].set_value((pdf.name, pdf.read_bytes(), "application/pdf")).run()
    assert not app.error, [e.value for e in app.error]
    country = next(box for box in app.selectbox if box.label.startswith("Country"))
    assert country.value == "PH"
    assert next(box for box in app.text_input if box.label.startswith("Document type")).value == "guideline"
    app.button(key="analyse").click().run()
    assert not app.exception, app.exception
    assert any(unescaped(s.value).startswith("ph-referral-guidelines.pdf: 80 clauses") for s in app.success)
    with Store(dashboard_env) as store:
        stored = load_documents(store)
    assert len(stored) == 4 and "PH" in set(stored["country"])
    assert app.session_state["doc_id"] == doc_id_of(dashboard_env, "PH")


def test_an_upload_in_another_language_is_warned_of_before_and_after_the_audit(dashboard_env):
    app = screen("analyse").run()
    thai = "มาตรา ๑ ผู้เสียหายจากการค้ามนุษย์ต้องได้รับที่พักและการรักษาพยาบาลโดยไม่มีเงื่อนไข\n"  # ours
    app.get("file_uploader")[0].set_value(("thai.txt", thai.encode(), "text/plain")).run()
    said = [unescaped(w.value) for w in app.warning]
    assert [w for w in said if "in Thai (th)" in w and "English only" in w], said
    app.button(key="analyse").click().run()
    assert not app.exception, app.exception
    from analyzer.store import load_result

    with Store(dashboard_env) as store:
        stored = load_documents(store)
        result = load_result(stored.loc[stored["file_name"] == "thai.txt", "doc_id"].iloc[0], store)
    assert [w for w in result.document.warnings if "English only" in w]


def test_a_bad_upload_shows_one_line_and_nothing_is_stored(dashboard_env):
    app = screen("analyse").run()
    app.get("file_uploader")[0].set_value(
        ("policy.pdf", b"this is not a PDF at all", "application/pdf")
    ).run()
    assert not app.exception
    message = unescaped(app.error[0].value)
    assert len(app.error) == 1 and message.startswith("policy.pdf: ") and "\n" not in message
    assert not [button for button in app.button if button.key == "analyse"]
    with Store(dashboard_env) as store:
        assert len(load_documents(store)) == 3


def test_the_document_screen_shows_findings_in_context(dashboard_env):
    app = open_document("document", dashboard_env, "MY")
    body = html_of(app)
    assert 'class="dnh-clause HARMFUL' in body and "<mark>" in body and "Better wording:" in body
    assert [m.label for m in app.metric][:2] == ["Score (100 = only protective)", "Harmful findings"]
    assert app.get("imgs") or app.get("image"), "the page image is shown"
    labels = [button.label for button in app.get("download_button")]
    assert labels == ["HTML report", "Findings (CSV)", "Audit (JSON)", "Highlighted PDF"]


def test_the_document_screen_filters_by_stance_and_principle(dashboard_env):
    app = open_document("document", dashboard_env, "MY")
    app.multiselect(key="f-stances").set_value(["PROTECTIVE"]).run()
    body = html_of(app)
    assert "dnh-clause PROTECTIVE" in body and "dnh-clause HARMFUL" not in body
    app.multiselect(key="f-principles").set_value(["PRIVACY_CONFIDENTIALITY"]).run()
    findings = html_of(app).split('<div class="dnh-finding">')[1:]
    assert findings and all(PRIVACY in finding.split("<br>")[0] for finding in findings)


def test_the_document_screen_shows_asserted_findings_unless_asked_for_all(dashboard_env):
    """By default the cards hold the findings counted in the score (each stance by its own threshold);
    switching the toggle off adds those needing review."""
    from analyzer.store import load_result

    app = open_document("document", dashboard_env, "MY")
    app.toggle(key="only-found").set_value(True).run()
    with Store(dashboard_env) as store:
        result = load_result(doc_id_of(dashboard_env, "MY"), store)
    card = result.scorecard
    shown = html_of(app).count('<div class="dnh-finding">')
    assert shown == card["harmful"] + card["protective"]
    app.toggle(key="f-asserted").set_value(False).run()
    every = html_of(app).count('<div class="dnh-finding">')
    assert every == sum(f.stance in ("HARMFUL", "PROTECTIVE") for f in result.findings) > shown


def test_the_document_screen_escapes_hostile_text(dashboard_env):
    app = open_document("document", dashboard_env, "KH")
    app.toggle(key="only-found").set_value(False).run()
    body = html_of(app)
    assert "&lt;script&gt;window.__dnh_pwned = 1&lt;/script&gt;" in body
    assert "&lt;img src=x onerror=" in body
    assert "<script" not in body and "<img" not in body


def test_gaps_for_a_document_and_a_country(dashboard_env):
    app = open_document("gaps", dashboard_env, "TH")
    assert any(h.value.startswith("Gaps (") for h in app.subheader)
    app.radio(key="gaps-scope").set_value("a country").run()
    app.selectbox(key="gaps-country").set_value("MY").run()
    assert not app.exception
    assert any("Gaps across 1 document(s)" in h.value for h in app.subheader)


def test_gaps_of_a_document_the_classifier_cannot_read_are_not_assessed(dashboard_env, tmp_path):
    from analyzer.pipeline import audit_document

    thai = tmp_path / "thai.txt"
    thai.write_text("มาตรา ๑ ผู้เสียหายจากการค้ามนุษย์ต้องได้รับที่พักโดยไม่มีเงื่อนไข\n", encoding="utf-8")  # ours
    with Store(dashboard_env) as store:
        store.save(audit_document(thai, country="LA"))
    app = open_document("gaps", dashboard_env, "LA")
    assert any("in Thai (th)" in unescaped(w.value) for w in app.warning)
    assert [h.value for h in app.subheader] == ["Gaps: not assessed"]  # neither 13 gaps nor contradictions
    document = open_document("document", dashboard_env, "LA")
    assert next(m for m in document.metric if m.label == "Gaps").value == "not assessed"
    app.radio(key="gaps-scope").set_value("a country").run()
    app.selectbox(key="gaps-country").set_value("LA").run()
    assert [unescaped(i.value) for i in app.info] == [
        "1 stored document in a language the classifier does not read adds no findings to these figures: "
        "thai.txt (LA, Thai)."
    ]


def test_compare_filters_countries(dashboard_env):
    app = screen("compare").run()
    table = app.dataframe[0].value
    assert sorted(table.index) == ["KH", "MY", "TH"] and table.shape[1] == 13
    app.multiselect(key="countries").set_value(["MY", "TH"]).run()
    assert sorted(app.dataframe[0].value.index) == ["MY", "TH"]
    app.radio(key="measure").set_value(app.radio(key="measure").options[2]).run()
    assert not app.exception
    assert all(cell == "" or 0 <= float(cell) <= 100 for cell in shown_cells(app.dataframe[0]))


def test_compare_names_the_documents_the_classifier_cannot_read(dashboard_env, tmp_path):
    from analyzer.pipeline import audit_document

    assert not screen("compare").run().info  # the seeded documents are all English
    thai = tmp_path / "thai.txt"
    thai.write_text("มาตรา ๑ ผู้เสียหายจากการค้ามนุษย์ต้องได้รับที่พักโดยไม่มีเงื่อนไข\n", encoding="utf-8")  # ours
    with Store(dashboard_env) as store:
        store.save(audit_document(thai, country="TH"))
    app = screen("compare").run()
    assert [unescaped(i.value) for i in app.info] == [
        "1 stored document in a language the classifier does not read adds no findings to these figures: "
        "thai.txt (TH, Thai)."
    ]
    app.multiselect(key="countries").set_value(["MY"]).run()  # only the countries shown
    assert not app.info


def test_a_review_is_saved_and_exported_as_training_data(dashboard_env):
    app = screen("review").run()
    waiting = int(app.caption[0].value.split()[0])
    assert waiting > 0
    app.radio[1].set_value("reject")
    app.text_input[1].input("not about the victim")
    app.button[0].click().run()
    assert not app.exception, app.exception
    assert app.success and unescaped(app.success[0].value).startswith("Saved: reject")
    assert int(app.caption[0].value.split()[0]) == waiting - 1
    with Store(dashboard_env) as store:
        reviews = store.reviews()
    assert list(reviews["decision"]) == ["reject"] and reviews["note"][0] == "not about the victim"
    assert any(b.label.startswith("Download 1 reviewed clauses") for b in app.get("download_button"))


def test_a_change_without_a_new_label_is_refused(dashboard_env):
    app = screen("review").run()
    app.radio[1].set_value("change")
    app.button[0].click().run()
    assert app.error and "different principle or stance" in app.error[0].value
    with Store(dashboard_env) as store:
        assert store.reviews().empty


def test_methodology_shows_the_principles_and_the_metrics(dashboard_env):
    app = screen("methodology").run()
    principles, _, metrics = (frame.value for frame in app.dataframe[:3])
    assert len(principles) == 13 and "NON_DETENTION" in set(principles["id"])
    assert "harmful-clause F1" in metrics.index


def test_a_hostile_file_name_and_title_show_as_text(dashboard_env):
    """Markdown in an upload's name or title must not become an image fetch or a link."""
    app = screen("analyse").run()
    name = "![x](https://tracker.invalid/p.png) [Verify](https://phish.invalid).txt"
    text = "![t](https://tracker.invalid/t.png)\n\nArticle 1. Victims shall not be detained.\n"
    app.get("file_uploader")[0].set_value((name, text.encode(), "text/plain")).run()
    app.get("file_uploader")[0].set_value([(name, text.encode(), "text/plain")] * 2).run()
    assert not app.exception, app.exception
    shown = [
        e.value
        for kind in ("markdown", "caption", "success", "error", "info", "warning")
        for e in app.get(kind)
    ]
    assert any("tracker.invalid" in unescaped(value) for value in shown), shown
    for value in shown:
        assert "![" not in value and "](" not in value, value
    assert any("the same file as one above" in unescaped(value) for value in shown)
    app.button(key="analyse").click().run()
    assert not app.exception and len(app.success) == 1
    assert "![" not in app.success[0].value and "](" not in app.success[0].value


def test_the_review_scope_chosen_from_a_document_survives_reruns(dashboard_env):
    app = screen("review")
    app.session_state["review_scope"] = "document"
    app.session_state["doc_id"] = doc_id_of(dashboard_env, "MY")
    app.run()
    assert app.radio(key="review-scope").value == "All findings of a document"
    app.selectbox(key="doc_id-picker").set_value(doc_id_of(dashboard_env, "TH")).run()
    assert not app.exception
    assert app.radio(key="review-scope").value == "All findings of a document"


def test_an_encrypted_upload_without_its_password_points_to_the_password_box(dashboard_env, tmp_path):
    import pdfgen

    encrypted = pdfgen.make_bad_inputs(tmp_path)["encrypted"]
    app = screen("analyse").run()
    app.get("file_uploader")[0].set_value((encrypted.name, encrypted.read_bytes(), "application/pdf")).run()
    message = unescaped(app.error[0].value)
    assert "password-protected" in message and "Encrypted PDF?" in message and "--password" not in message


def test_the_page_image_shows_the_findings_the_filters_show():
    from analyzer.dashboard.page_image import page_highlights
    from analyzer.pipeline import audit_document

    result = audit_document(SAMPLES_DIR / "my-shelter-sop.pdf")
    harmful = {f.clause_id for f in result.findings if f.stance == "HARMFUL"}
    page = min(c.pages[0] for c in result.clauses if c.clause_id in harmful and c.pages)
    every = page_highlights(result, page)
    assert "HARMFUL" in {h.stance for h in every}
    protective = [f for f in result.findings if f.stance == "PROTECTIVE"]
    shown = page_highlights(result, page, findings=protective)
    assert {h.stance for h in shown} <= {"PROTECTIVE"} and len(shown) < len(every)
    assert page_highlights(result, page, findings=[]) == []


def test_an_encrypted_upload_shows_its_pages_and_highlights_in_the_session(dashboard_env, tmp_path):
    """The password given with an encrypted upload opens the original again for the page view and the
    highlighted PDF, in this session only: it is not stored."""
    import pdfgen

    encrypted = pdfgen.make_bad_inputs(tmp_path)["encrypted"]
    app = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    app.text_input(key="password").set_value(pdfgen.PASSWORD)
    app.get("file_uploader")[0].set_value((encrypted.name, encrypted.read_bytes(), "application/pdf")).run()
    assert not app.error, [e.value for e in app.error]
    app.button(key="analyse").click().run()
    app.button(key="see-results").click().run()
    assert not app.exception, app.exception
    assert app.title[0].value == "Document"
    assert not app.error, [e.value for e in app.error]  # the page rendered with the session's password
    assert app.get("imgs") or app.get("image"), "the page image is shown"
    assert "Highlighted PDF" in [button.label for button in app.get("download_button")]
    with Store(dashboard_env) as store:
        stored = load_documents(store)
    assert pdfgen.PASSWORD not in stored.to_string()

    # another session (a new AppTest) has no password: the page view says why instead of failing
    other = screen("document").run()
    other.selectbox(key="doc_id-picker").set_value(app.session_state["doc_id"]).run()
    assert not other.exception, other.exception
    assert other.error and "upload it again with its password" in unescaped(other.error[0].value)


def test_the_heatmap_names_every_principle_and_leaves_empty_cells_blank():
    import numpy as np
    import pandas as pd

    from analyzer.dashboard.screens.compare import heatmap

    matrix = pd.DataFrame(
        {"Non-punishment of victims": [1.0, np.nan], "Freedom of movement": [np.nan, 2.0]},
        index=pd.Index(["MY", "TH"], name="country"),
    )
    cells, labels = heatmap(matrix, scheme="reds", title="Score").to_dict()["layer"]
    axis = cells["encoding"]["x"]["axis"]
    assert axis["labelOverlap"] is False and axis["labelLimit"] >= 300
    assert {"filter": "isValid(datum.value)"} in labels["transform"]


def test_contradictions_between_documents_read_as_names_and_numbers(dashboard_env):
    from analyzer.pipeline import audit_document

    with Store(dashboard_env) as store:  # a second MY document: the Myanmar house rules, filed as MY
        store.save(audit_document(SAMPLES_DIR / "mm-shelter-house-rules.docx", country="MY"))
    app = screen("gaps").run()
    app.radio(key="gaps-scope").set_value("a country").run()
    app.selectbox(key="gaps-country").set_value("MY").run()
    assert not app.exception, app.exception
    table = app.dataframe[0].value
    assert not table.empty and not [c for c in table.columns if c.endswith(("doc_id", "clause_id"))]
    from analyzer.types import PRINCIPLE_IDS

    assert not set(table["principle"]) & set(PRINCIPLE_IDS)  # names, not IDs
    # two documents with the same title are told apart by their files
    assert set(table["protective_file_name"]) | set(table["harmful_file_name"]) == {
        "my-shelter-sop.pdf",
        "mm-shelter-house-rules.docx",
    }


def shown_cells(element) -> list[str]:
    """The cells of an ``st.dataframe``, as text. The browser shows "None" for a missing value (a Styler's
    ``na_rep`` is not applied there), so the screens hand over text where a cell can be empty."""
    return [str(cell) for cell in element.value.to_numpy().ravel()]


def test_the_same_sop_as_pdf_and_docx_counts_once_for_its_country(dashboard_env):
    from analyzer.pipeline import audit_document

    with Store(dashboard_env) as store:
        store.save(audit_document(SAMPLES_DIR / "my-shelter-sop.docx", country="MY"))
    app = screen("gaps").run()
    app.radio(key="gaps-scope").set_value("a country").run()
    app.selectbox(key="gaps-country").set_value("MY").run()
    assert not app.exception, app.exception
    assert [h.value for h in app.subheader][0].startswith("Gaps across 1 document(s)")
    notes = " ".join(unescaped(info.value) for info in app.info)
    assert "my-shelter-sop.pdf as my-shelter-sop.docx (MY)" in notes
    assert "None found." in [s.value for s in app.success]  # the SOP does not contradict itself
    app = screen("compare").run()
    assert "MY 1" in app.caption[0].value
    assert "counted once" in " ".join(unescaped(info.value) for info in app.info)


def test_empty_score_cells_are_blank_and_an_unscored_document_says_so(dashboard_env, tmp_path):
    from analyzer.pipeline import audit_document

    order = tmp_path / "commencement.txt"  # no finding either way: not scored
    order.write_text(
        "COMMENCEMENT ORDER\n\nArticle 1. This Order takes effect on the date of its signature.\n"
    )
    with Store(dashboard_env) as store:
        unscored = audit_document(order, country="KH")
        assert unscored.scorecard["score"] is None
        store.save(unscored)
    app = screen("compare").run()
    app.radio(key="measure").set_value(app.radio(key="measure").options[2]).run()
    assert not app.exception, app.exception
    cells = shown_cells(app.dataframe[0])
    assert "" in cells  # some principle has no binding finding in some country
    assert not {"None", "nan", "NaN", "<NA>"} & set(cells)
    assert all(cell == "" or float(cell) <= 100 for cell in cells)
    analyse = screen("analyse").run()
    stored = shown_cells(analyse.dataframe[0])
    assert stored.count("not scored") == 1 and not {"None", "nan", "NaN", "<NA>"} & set(stored)


def queued(path: Path, folder: Path, country: str) -> tuple[tuple, object, dict]:
    """An upload inspected as the Analyse screen keeps it, and its entry in the audit queue."""
    from analyzer.dashboard.uploads import inspect_upload, save_upload

    data = path.read_bytes()
    key = (hashlib.sha256(data).hexdigest(), "")
    item = {"key": key, "name": path.name, "country": country, "doc_type": "guideline", "password": ""}
    return key, inspect_upload(save_upload(path.name, data, folder)), item


def test_a_batch_left_half_way_is_finished_when_analyse_is_shown_again(dashboard_env, tmp_path):
    """Moving to another screen stops Streamlit's script mid-batch; the documents left are audited when the
    user comes back to Analyse (they were lost), and the other screens say they wait."""
    from analyzer.dashboard.screens.analyse import BATCH
    from analyzer.dashboard.widgets import QUEUE

    left = [
        queued(SAMPLES_DIR / "ph-referral-guidelines.pdf", tmp_path, "PH"),
        queued(SAMPLES_DIR / "vn-child-victim-guideline.docx", tmp_path, "VN"),
    ]
    state = {
        "inspected": {key: inspected for key, inspected, _ in left},
        QUEUE: [item for _, _, item in left],
        BATCH: {"size": 3, "audited": 1, "last": None, "lines": [("success", "first.pdf: 9 clauses")]},
    }
    app = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    for key, value in state.items():
        app.session_state[key] = value
    app.run()  # the Analyse screen, where the app opens
    assert not app.exception, app.exception
    assert "Finishing the batch started before: 2 of 3 document(s) left." in [i.value for i in app.info]
    said = [unescaped(s.value) for s in app.success]  # the line kept from before, then the new ones
    assert said[0] == "first.pdf: 9 clauses" and len(said) == 3
    assert said[1].startswith("ph-referral-guidelines.pdf: 80 clauses") and said[2].startswith("vn-child")
    with Store(dashboard_env) as store:
        assert {"PH", "VN"} <= set(load_documents(store)["country"])
    assert not app.session_state[QUEUE] and app.session_state["doc_id"] == doc_id_of(dashboard_env, "VN")
    app.switch_page(str((SCREENS_DIR / SCREENS["document"][2]).relative_to(APP.parent))).run()
    assert not app.sidebar.warning  # nothing waits
    app.switch_page(str((SCREENS_DIR / SCREENS["analyse"][2]).relative_to(APP.parent))).run()
    lines = [unescaped(s.value) for s in app.success]  # the batch's lines again, not a second audit
    assert lines == said
    assert "Done: 3 document(s) audited and saved in the store." in [i.value for i in app.info]


def test_the_other_screens_say_when_uploads_wait_to_be_audited(dashboard_env, tmp_path):
    from analyzer.dashboard.widgets import QUEUE

    app = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    app.session_state[QUEUE] = [queued(SAMPLES_DIR / "ph-referral-guidelines.pdf", tmp_path, "PH")[2]]
    app.switch_page(str((SCREENS_DIR / SCREENS["compare"][2]).relative_to(APP.parent))).run()
    assert not app.exception, app.exception
    assert [w.value for w in app.sidebar.warning] == [
        "1 uploaded document(s) of your batch are not audited yet: open Analyse to finish them."
    ]


def test_a_run_waits_for_the_run_it_replaced_to_stop_auditing(dashboard_env, tmp_path):
    """Streamlit starts a new run before the stopped one has left its audit: the new run waits for the
    session's lock instead of auditing the same document beside it (a store conflict in the browser)."""
    import threading

    from analyzer.dashboard.screens.analyse import BATCH, LOCK
    from analyzer.dashboard.widgets import QUEUE

    key, inspected, item = queued(SAMPLES_DIR / "ph-referral-guidelines.pdf", tmp_path, "PH")
    busy = threading.Lock()
    busy.acquire()  # the old run, still auditing
    app = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    for name, value in {
        "inspected": {key: inspected},
        QUEUE: [item],
        BATCH: {"size": 1, "audited": 0, "last": None, "lines": []},
        LOCK: busy,
    }.items():
        app.session_state[name] = value
    released = threading.Timer(1.0, busy.release)
    released.start()
    app.run()
    assert not app.exception, app.exception
    assert not released.is_alive()  # the run went on only once the lock was free
    assert [unescaped(s.value) for s in app.success][0].startswith("ph-referral-guidelines.pdf: 80 clauses")
    assert not app.session_state[QUEUE]
