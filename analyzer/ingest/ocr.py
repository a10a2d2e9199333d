"""OCR for PDF pages without a usable text layer: Tesseract (pytesseract) on pages rendered by pypdfium2.

:func:`recognise_pages` is the PDF reader's hook: given the pages it could not read (a scan, or fonts
without a text mapping), it renders each at ``dpi``, recognises it and puts the page's lines in place as
layout fragments in PDF points, so running headers, hyphenation and clause boxes are handled exactly as
for a born-digital page. It returns each page's OCR confidence (the mean of Tesseract's word
confidences, weighted by word length, 0–1).

The language is, in order: the user's choice (``--ocr-lang``, an ISO code or a Tesseract spec such as
``tha+eng``), the country's language (``--country``), the language of the document's text pages, or
Tesseract's script detection on the first page; a Latin-script page read as English whose text the
guesser finds Indonesian, Malay, Filipino or Vietnamese is read again in that language. Per-language
settings (traineddata, page segmentation mode, text fixes such as Thai "ํา" → "ำ") live in ``ocr.yaml``.

Tesseract missing is a one-line ``InputError`` when no page has a text layer, and a warning per skipped
page when some have (a born-digital law with a scanned cover page is still read); a missing language pack
is an ``InputError``. ``OcrOptions(enabled=False)`` (``--no-ocr``) skips such pages with a warning.
"""

from __future__ import annotations

import functools
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml

from analyzer.errors import InputError
from analyzer.ingest import layout
from analyzer.ingest.language import guess_language
from analyzer.ingest.pdf_checks import password_needed

SETTINGS_FILE = Path(__file__).with_name("ocr.yaml")
LOW_CONFIDENCE = 0.6
NO_TEXT_LAYER = "no text layer"


@dataclass(frozen=True)
class OcrOptions:
    """Whether and how to OCR pages: ``language`` is an ISO code, an alias or a Tesseract spec."""

    enabled: bool = True
    language: str | None = None
    dpi: int = 300
    page_timeout: float = 120.0


@dataclass(frozen=True)
class Plan:
    """The Tesseract languages and page segmentation mode for a page, and the ISO code behind them."""

    code: str
    tesseract: str
    psm: int
    spaced: bool = True


@functools.cache
def settings() -> dict:
    return yaml.safe_load(SETTINGS_FILE.read_text(encoding="utf-8"))


def plan_for(code: str) -> Plan:
    """The plan for an ISO code or alias ("th", "tha"), or for a raw Tesseract spec ("tha+eng")."""
    data = settings()
    code = data["aliases"].get(code.lower(), code.lower())
    if code in data["languages"]:
        entry = data["languages"][code]
        return Plan(code, entry["tesseract"], entry["psm"], entry.get("spaced", True))
    first = code.split("+")[0]
    iso = data["aliases"].get(first, first)
    entry = data["languages"].get(iso, {})
    return Plan(iso, code, entry.get("psm", 3), entry.get("spaced", True))


def language_for_country(country: str | None) -> str | None:
    """The usual language of a country's laws (``"TH"`` → ``"th"``), or ``None``."""
    return settings()["countries"].get((country or "").upper())


def normalise(text: str, code: str) -> str:
    """Apply the language's text fixes (``ocr.yaml``) and NFC-normalise."""
    for pattern, replacement in settings()["normalise"].get(code, []):
        text = re.sub(pattern, replacement, text)
    return unicodedata.normalize("NFC", text)


def installed_languages(path: Path, pages: list[int]) -> set[str]:
    """Tesseract's installed traineddata; ``InputError`` when Tesseract itself is missing."""
    import pytesseract

    try:
        return set(pytesseract.get_languages(config=""))
    except (pytesseract.TesseractNotFoundError, OSError):
        raise InputError(
            path,
            f"{_pages_text(pages)} no usable text layer and {'needs' if len(pages) == 1 else 'need'} OCR, "
            "but Tesseract is not installed "
            "(apt-get install tesseract-ocr tesseract-ocr-eng); --no-ocr reads only the text layer",
        ) from None


def _check_installed(path: Path, plan: Plan, installed: set[str]) -> None:
    missing = [name for name in plan.tesseract.split("+") if name not in installed]
    if missing:
        packages = " ".join(f"tesseract-ocr-{name}" for name in missing)
        raise InputError(
            path, f"the OCR language {'+'.join(missing)} is not installed (apt-get install {packages})"
        )


def _pages_text(pages: list[int]) -> str:
    shown = ", ".join(map(str, pages[:10])) + (" …" if len(pages) > 10 else "")
    return f"page {shown} has" if len(pages) == 1 else f"pages {shown} have"


def render(document, number: int, dpi: int):
    """Page ``number`` as a greyscale PIL image, and the (left, top) offset of its crop box in points."""
    page = document[number - 1]
    left, _, _, crop_top = page.get_cropbox()
    _, _, _, media_top = page.get_mediabox()
    image = page.render(scale=dpi / 72, grayscale=True).to_pil()
    return image, (left, media_top - crop_top)


def recognise(image, plan: Plan, *, dpi: int, offset: tuple[float, float], timeout: float):
    """Tesseract's lines of ``image`` as layout fragments (in points), and the page's confidence (0–1)."""
    import pytesseract

    data = pytesseract.image_to_data(
        image,
        lang=plan.tesseract,
        config=f"--psm {plan.psm}",
        output_type=pytesseract.Output.DICT,
        timeout=timeout,
    )
    scale, (dx, dy) = 72 / dpi, offset
    lines: dict[tuple[int, int, int], list[dict]] = {}
    weighted = letters = 0.0
    for i, raw in enumerate(data["text"]):
        text, conf = (raw or "").strip(), float(data["conf"][i])
        if not text or conf < 0:
            continue
        left, top, width, height = (data[k][i] for k in ("left", "top", "width", "height"))
        key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
        lines.setdefault(key, []).append(
            {"text": text, "x0": dx + left * scale, "x1": dx + (left + width) * scale,
             "top": dy + top * scale, "bottom": dy + (top + height) * scale}
        )  # fmt: skip
        weighted += conf * len(text)
        letters += len(text)
    fragments = [layout.Fragment(_words(words, plan)) for words in lines.values()]
    return layout.fragments_to_blocks(fragments), (round(weighted / letters / 100, 3) if letters else 0.0)


def _words(boxes: list[dict], plan: Plan, *, space_gap: float = 0.35) -> list[dict]:
    """A line's words, normalised. In scripts without spaces, Tesseract's pieces (characters or clusters)
    are joined into runs, split only where the gap exceeds ``space_gap`` × the line's height and the next
    piece does not start with a combining mark."""
    if plan.spaced:
        return [{**box, "text": normalise(box["text"], plan.code)} for box in boxes]
    height = max(box["bottom"] - box["top"] for box in boxes)
    runs = [dict(boxes[0])]
    for box in boxes[1:]:
        run = runs[-1]
        joins = unicodedata.category(box["text"][0]) in ("Mn", "Mc")  # a mark never starts a word
        if not joins and box["x0"] - run["x1"] > space_gap * height:
            runs.append(dict(box))
        else:
            run.update(text=run["text"] + box["text"], x1=max(run["x1"], box["x1"]),
                       top=min(run["top"], box["top"]), bottom=max(run["bottom"], box["bottom"]))  # fmt: skip
    return [{**run, "text": normalise(run["text"], plan.code)} for run in runs]


def _detected_plan(image, installed: set[str]) -> Plan:
    """Tesseract's script detection on ``image`` mapped to a language; English when it cannot tell."""
    import pytesseract

    if "osd" in installed:
        try:
            script = pytesseract.image_to_osd(image, output_type=pytesseract.Output.DICT).get("script")
            return plan_for(settings()["scripts"].get(script, "en"))
        except (pytesseract.TesseractError, RuntimeError):
            pass
    return plan_for("en")


def _text_of(blocks) -> str:
    return "\n".join(fragment.text for block in blocks for fragment in block)


def recognise_pages(
    path: Path,
    pages: list[tuple[float, float, list]],
    unreadable: dict[int, str],
    *,
    password: str | None,
    options: OcrOptions,
    warnings: list[str],
) -> dict[int, float]:
    """OCR the ``unreadable`` pages (number → why) in place in ``pages``; return number → confidence."""
    numbers = sorted(unreadable)
    if not numbers:
        return {}
    if not options.enabled:
        warnings += [f"page {n}: {unreadable[n]}; it was skipped (--no-ocr)" for n in numbers]
        return {}
    import pypdfium2

    try:
        installed = installed_languages(path, numbers)
    except InputError as missing:
        if not any(blocks for _, _, blocks in pages):
            raise
        warnings += [
            f"page {n}: {unreadable[n]}; skipped: {missing.reason.split(', but ')[-1]}" for n in numbers
        ]
        return {}
    warnings += [
        f"page {n}: {why}; it was read by OCR" for n, why in unreadable.items() if why != NO_TEXT_LAYER
    ]
    text_language = guess_language("\n".join(_text_of(blocks) for _, _, blocks in pages))
    code = options.language or (text_language if text_language != "und" else None)
    plan = plan_for(code) if code else None
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # one thread per page: faster on shared cores
    confidences: dict[int, float] = {}
    document = pypdfium2.PdfDocument(str(path), password=password_needed(path, password))
    try:
        for number in numbers:
            image, offset = render(document, number, options.dpi)
            first = plan is None
            plan = plan or _detected_plan(image, installed)
            _check_installed(path, plan, installed)
            args = {"dpi": options.dpi, "offset": offset, "timeout": options.page_timeout}
            blocks, confidence = recognise(image, plan, **args)
            guessed = guess_language(_text_of(blocks)) if first and plan.code == "en" else "en"
            if guessed not in {"en", "und"} and guessed in settings()["languages"]:
                plan = plan_for(guessed)
                _check_installed(path, plan, installed)
                blocks, confidence = recognise(image, plan, **args)
            width, height, _ = pages[number - 1]
            pages[number - 1] = (width, height, blocks)
            confidences[number] = confidence
            if confidence < LOW_CONFIDENCE:
                warnings.append(f"page {number}: low OCR confidence ({confidence:.0%}); check its text")
    finally:
        document.close()
    read = ", ".join(map(str, confidences))
    mean = sum(confidences.values()) / len(confidences)
    warnings.append(f"OCR: page {read} read by Tesseract ({plan.tesseract}), mean confidence {mean:.0%}")
    return confidences
