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

from analyzer.classify.token_patterns import COLUMNS

# A piece's tokens: (LOWER, ORTH, IS_PUNCT, LIKE_NUM, offset in the piece, LENGTH, IS_DIGIT) each.
_Token = tuple[int, int, int, int, int, int, int]
MAX_PIECES = 200_000  # distinct pieces kept; the store is emptied before it would hold more


class TokenColumns:
    """Token columns of texts with single spaces, from a cache of each space-separated piece's tokens."""

    def __init__(self, nlp: Language) -> None:
        self.nlp = nlp
        self.pieces: dict[str, tuple[_Token, ...]] = {}

    def __call__(self, text: str) -> list[list[int]]:
        """The columns of ``text`` (single spaces, as ``" ".join(text.split())`` gives): one list per
        attribute of :data:`~analyzer.classify.token_patterns.COLUMNS`, as
        :func:`~analyzer.classify.token_matching.columns` gives for ``nlp.make_doc(text)``."""
        pieces, rows, offset = self.pieces, [], 0
        split = text.split(" ")
        if missing := [piece for piece in dict.fromkeys(split) if piece not in pieces]:
            pieces = self._learn(missing, split)
        for piece in split:
            for lower, orth, punct, number, start, length, digit in pieces[piece]:
                rows.append((lower, orth, punct, number, offset + start, length, digit))
            offset += len(piece) + 1
        if not rows:
            return [[] for _ in COLUMNS]
        return [list(column) for column in zip(*rows, strict=True)]

    def _learn(self, missing: list[str], split: list[str]) -> dict[str, tuple[_Token, ...]]:
        """Keep the tokens of the pieces ``missing`` of a text's pieces ``split``, tokenized by spaCy's
        tokenizer in one text (the pieces joined by spaces: each is tokenized on its own all the same);
        all of ``split`` when the store is emptied first. Returns the store."""
        from analyzer.classify.token_matching import columns

        if len(self.pieces) + len(missing) > MAX_PIECES:
            self.pieces, missing = {}, list(dict.fromkeys(split))
        rows = list(zip(*columns(self.nlp.make_doc(" ".join(missing))), strict=True))
        token, begin = 0, 0
        for piece in missing:
            end, tokens = begin + len(piece), []
            while token < len(rows) and rows[token][4] < end:
                lower, orth, punct, number, start, length, digit = rows[token]
                tokens.append((lower, orth, punct, number, start - begin, length, digit))
                token += 1
            self.pieces[piece] = tuple(tokens)
            begin = end + 1
        return self.pieces
