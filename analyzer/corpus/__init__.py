"""The team's corpus: annotated clauses (``corpus/clauses.jsonl``) and sample policy documents.

:mod:`analyzer.corpus.dataset` loads, validates, splits and describes the annotated clauses;
:mod:`analyzer.corpus.render` turns a sample document's source into PDF and DOCX;
:mod:`analyzer.corpus.answer_keys` lines a sample document's answer key up with its segmented clauses.
"""
