"""Making a copy of someone else's PDF safe to open: what a viewer would run or load is taken out.

The highlighted PDF (:mod:`analyzer.report.pdf`) is an output handed back as safe to open, while the
original may come from anyone. :func:`without_active_content` strips, in place, scripts, launches, form
submissions, embedded files and the like; what it keeps and removes is listed in its docstring, and the
kinds of action and annotation are the tables below.
"""

from __future__ import annotations

import pikepdf
from pikepdf import Array, Dictionary, Name, Stream, String

# Actions (by /S) that a copy safe to open must not keep: they run scripts, start programs, send, load or
# reset form data, open other or embedded files, or play media (which can carry scripts). Moves within
# the document (GoTo, Named) and web or e-mail links stay.
ACTIVE_ACTIONS = frozenset(
    {
        "/JavaScript",
        "/Launch",
        "/SubmitForm",
        "/ImportData",
        "/ResetForm",
        "/GoToR",
        "/GoToE",
        "/Rendition",
        "/RichMediaExecute",
        "/Movie",
        "/Sound",
    }
)
SAFE_URI_PREFIXES = ("http://", "https://", "mailto:")  # any other link (javascript:, file:, ...) goes
# Annotations that embed a file or media (which can carry scripts) rather than mark the page.
ACTIVE_ANNOTATIONS = frozenset({"/FileAttachment", "/RichMedia", "/Screen", "/Movie", "/Sound", "/3D"})
MAX_ACTION_CHAIN = 100  # actions read along /Next before a chain counts as active: no honest PDF has more


def without_active_content(pdf: pikepdf.Pdf) -> None:
    """Strip, in place, what a viewer would run or load on opening the PDF or clicking in it.

    The highlighted copy is an output we hand back as safe to open, while the original may come from
    anyone. Removed:

    - the catalog's ``/OpenAction`` when it is an action (a plain destination, the page to open at,
      stays), and every ``/AA`` (actions run on opening, closing, printing, viewing a page, keystrokes
      or mouse moves: document, page, form field or annotation alike);
    - the document's ``/Names`` ``/JavaScript`` (scripts run on opening) and ``/EmbeddedFiles``
      (attachments, possibly programs), and the form's ``/XFA`` (a scriptable form in XML);
    - annotations whose action (``/A``, with its ``/Next`` chain) is one of :data:`ACTIVE_ACTIONS` or a
      link other than http, https or mailto, and annotations that embed files or media
      (:data:`ACTIVE_ANNOTATIONS`);
    - such an action anywhere else (form-field widgets, which stay for their look, and bookmarks), and
      a link's parent action (``/PA``) that is one;
    - PDF 2.0's associated files (every ``/AF``) and any file specification's embedded file (``/EF``).

    The page content, other annotations (notes, web links, moves within the document) and form fields
    are kept.
    """
    root = pdf.Root
    if isinstance(root.get(Name.OpenAction), Dictionary):
        del root[Name.OpenAction]
    _delete_keys(root.get(Name.Names), Name.JavaScript, Name.EmbeddedFiles)
    _delete_keys(root.get(Name.AcroForm), Name.XFA)
    for page in pdf.pages:
        annotations = page.obj.get(Name.Annots)
        if isinstance(annotations, Array):
            kept = [annotation for annotation in annotations if not _is_active_annotation(annotation)]
            if len(kept) < len(annotations):
                page.obj.Annots = Array(kept)
    for holder in _dictionaries(pdf):
        # an annotation dropped above may still be referenced elsewhere (a form field, a popup): strip it too
        # /AF: PDF 2.0's associated files (a catalog's, a page's, an annotation's); /EF: a file
        # specification's embedded file, wherever it is referenced from
        _delete_keys(holder, Name.AA, Name.AF, Name.EF)
        for key in (Name.A, Name.PA):  # /PA: a link's parent action, run as its own
            if key in holder and is_active_action(holder[key]):
                del holder[key]


def is_active_action(action) -> bool:
    """True when ``action``, or one chained after it with ``/Next``, runs or loads something (see
    :data:`ACTIVE_ACTIONS`), holds a script (``/JS``), or is a link other than http, https or mailto."""
    pending, seen, steps = [action], set(), 0
    while pending:
        current = pending.pop()
        if isinstance(current, Array):
            pending.extend(current)
            continue
        if not isinstance(current, Dictionary):
            continue
        if current.is_indirect:  # only indirect objects can make a chain loop back
            if current.objgen in seen:
                continue
            seen.add(current.objgen)
        steps += 1
        if steps > MAX_ACTION_CHAIN:
            return True
        kind = str(current.get(Name.S, ""))
        if kind in ACTIVE_ACTIONS or Name.JS in current:
            return True
        if kind == "/URI" and not _safe_uri(current.get(Name.URI)):
            return True
        if Name.Next in current:
            pending.append(current[Name.Next])
    return False


def _safe_uri(uri) -> bool:
    return isinstance(uri, String) and str(uri).strip().lower().startswith(SAFE_URI_PREFIXES)


def _is_active_annotation(annotation) -> bool:
    """True for an annotation to drop: it embeds a file or media, or clicking it runs an active action.

    A form field's widget is kept (the field would lose its look); its actions are stripped instead.
    """
    if not isinstance(annotation, Dictionary):
        return False
    subtype = str(annotation.get(Name.Subtype, ""))
    if subtype in ACTIVE_ANNOTATIONS:
        return True
    return subtype != "/Widget" and Name.A in annotation and is_active_action(annotation[Name.A])


def _delete_keys(holder, *keys: Name) -> None:
    if isinstance(holder, Dictionary | Stream):
        for key in keys:
            if key in holder:
                del holder[key]


def _dictionaries(pdf: pikepdf.Pdf):
    """Every dictionary and stream of the PDF: each indirect object and the direct ones nested in it.

    Children are read after the caller has had the parent, so what it deleted is not walked into.
    """
    for obj in pdf.objects:
        pending = [obj]
        while pending:
            current = pending.pop()
            if isinstance(current, Dictionary | Stream):
                yield current
                children = (current.stream_dict if isinstance(current, Stream) else current).values()
            elif isinstance(current, Array):
                children = list(current)
            else:
                continue
            pending.extend(
                child for child in children if isinstance(child, Dictionary | Array) and not child.is_indirect
            )
