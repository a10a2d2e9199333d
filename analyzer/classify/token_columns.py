"""The token columns of a clause (:data:`analyzer.classify.token_patterns.COLUMNS`) without a spaCy ``Doc``.

spaCy's tokenizer splits a text at its spaces and tokenizes each piece on its own (its prefixes,
suffixes, infixes and special cases never reach across a space; its cache is keyed by the piece). A
clause read by the rule side has single spaces only (runs of white space are read as one space), so its
tokens are the tokens of its space-separated pieces, in order. :class:`TokenColumns` keeps each piece's
tokens as spaCy's tokenizer gives them, with every attribute the patterns test, and puts a clause's
columns together from those: the same columns as ``columns(nlp.make_doc(text))``, without building a
``Doc`` and converting it to lists for every clause (``tests/classify/test_token_columns.py`` and
``benchmarks/same_output.py`` check that they are the same).
"""

from __future__ import annotations

from spacy.language import Language

# A piece's tokens: (LOWER, ORTH, IS_PUNCT, LIKE_NUM, offset in the piece, LENGTH, IS_DIGIT) each.
_Token = tuple[int, int, int, int, int, int, int]
MAX_PIECES = 200_000  # distinct pieces kept; the store is emptied when it is full


class TokenColumns:
    """Token columns of texts with single spaces, from a cache of each space-separated piece's tokens."""

    def __init__(self, nlp: Language) -> None:
        self.nlp = nlp
        self.pieces: dict[str, tuple[_Token, ...]] = {}

    def __call__(self, text: str) -> list[list[int]]:
        """The columns of ``text`` (single spaces, as ``" ".join(text.split())`` gives): one list per
        attribute of :data:`~analyzer.classify.token_patterns.COLUMNS`, as
        :func:`~analyzer.classify.token_patterns.columns` gives for ``nlp.make_doc(text)``."""
        pieces, rows, offset = self.pieces, [], 0
        for piece in text.split(" "):
            tokens = pieces.get(piece)
            if tokens is None:
                tokens = self._tokens(piece)
            for lower, orth, punct, number, start, length, digit in tokens:
                rows.append((lower, orth, punct, number, offset + start, length, digit))
            offset += len(piece) + 1
        if not rows:
            return [[] for _ in range(7)]
        return [list(column) for column in zip(*rows, strict=True)]

    def _tokens(self, piece: str) -> tuple[_Token, ...]:
        """``piece``'s tokens by spaCy's tokenizer, kept for the next time."""
        from analyzer.classify.token_patterns import columns

        if len(self.pieces) >= MAX_PIECES:
            self.pieces.clear()
        tokens = tuple(zip(*columns(self.nlp.make_doc(piece)), strict=True)) if piece else ()
        self.pieces[piece] = tokens
        return tokens
