"""Query syntax: from the search box's text to a Whoosh query tree.

We use Whoosh's parser (words, "phrases", AND/OR/NOT, ``field:value``,
``prefix*``, ``fuzzy~``, ``"proximity"~N``, ``-exclude``, ``word^2``) with a
*parsing schema* that is not the index schema: it declares the virtual field
``text`` (title and body together) and one field per facet, so that
``person:trump`` is parsed and analyzed, and the evaluator decides what each
field means. Syntax Whoosh would silently guess at (an unbalanced quote or
parenthesis) is rejected with a message instead.

A minus (or plus) is an operator only at the start of a term: at the
start of the query, after whitespace or after an opening bracket (``-iran``,
``oil -iran``, ``(-iran)``). Inside a word it is part of the word:
``Iran-Contra``, ``U.S.-Japan``, ``anti-dumping``, ``1986-87`` and ``F-16``
are compounds, matched as written (see :class:`Compound`), never as
``iran NOT contra``. A compound with a wildcard or a fuzzy part
(``Coca-Co*``, ``Iran-contr~``) is a :class:`LinkedPhrase` of its parts.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from whoosh import fields, qparser
from whoosh import query as wq
from whoosh.qparser import syntax
from whoosh.query import Query

from indexer import schema as F
from indexer.analysis import text_analyzer, value_analyzer
from indexer.errors import SearchRequestError

#: The virtual default field: a word without ``field:`` searches title and body.
DEFAULT_FIELD = "text"
#: Leaf clauses (terms, phrases, patterns) one query may hold.
MAX_CLAUSES = 64

#: A leading ``-``/``+``: at the start, after whitespace or ``(``, and
#: followed by something to exclude or require. A hyphen between two
#: characters of a word is not an operator.
MINUS_OPERATOR = r"(?<![^\s(])-(?=[^\s\-+])"
#: A leading ``+`` (required) is what every word already is: it is dropped.
PLUS_OPERATOR = re.compile(r"(?<![^\s(])\+(?=[^\s\-+])")
#: Hyphens and dashes that join the parts of a compound word.
_JOINERS = "-\u2010\u2011\u2012\u2013\u2014"
#: A compound of plain parts (``anti-dumping``, ``F-16``), which may also be
#: written as one word (``antidumping``, ``F16``); ``U.S.-Japan`` is not.
_JOINABLE = re.compile(rf"\w+(?:[{_JOINERS}]\w+)+")


class Compound(wq.Or):
    """A word the analyzer splits into several parts, typed as one word.

    ``Iran-Contra`` matches its parts as a phrase (``"iran contra"``) or,
    for a compound of plain parts, the joined word (``Coca-Cola`` also
    matches ``cocacola``, ``anti-dumping`` ``antidumping``), as the index
    splits a hyphenated word into adjacent words and keeps a solid one
    whole. The evaluator treats it as the OR it is; it is a class of its own
    so that callers can tell a compound from an OR the user typed (a soft
    AND counts it as one word, as it would the phrase).
    """

    @property
    def fieldname(self) -> str:
        """The field of its parts (so it reads like the phrase or word it stands for)."""
        return str(getattr(self.subqueries[0], "fieldname", ""))


class JoinedWord(wq.Term):
    """The solid spelling of a :class:`Compound` (``antidumping``).

    Not a word the user typed: it is neither corrected by spelling
    suggestions nor counted as a query word.
    """


def compound_query(
    fieldname: str, parts: list[str], joined: str | None, boost: float = 1.0
) -> wq.Query:
    """The query for a compound typed as one word (see :class:`Compound`)."""
    phrase = wq.Phrase(fieldname, parts, boost=boost)
    if joined is None or joined in parts:
        return phrase
    return Compound([phrase, JoinedWord(fieldname, joined, boost=boost)])


class LinkedPhrase(wq.Query):
    """Adjacent words whose links may be patterns: ``Coca-Co*`` is ``coca``
    followed by a word starting ``co``.

    Whoosh would search ``coca-co*`` as one word, which the index never
    holds (it splits hyphenated words into adjacent words); each link is a
    :class:`~whoosh.query.Term` or a pattern (``Prefix``, ``Wildcard``,
    ``FuzzyTerm``) whose expansions are that link's positions.
    """

    def __init__(self, fieldname: str, links: list[wq.Query], boost: float = 1.0) -> None:
        self.fieldname = fieldname
        self.links = links
        self.boost = boost

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.fieldname!r}, {self.links!r}, boost={self.boost})"

    def __str__(self) -> str:
        return "-".join(_link_text(link) for link in self.links)

    def __eq__(self, other: object) -> bool:
        return (
            type(other) is type(self)
            and isinstance(other, LinkedPhrase)
            and (other.fieldname, other.links, other.boost)
            == (self.fieldname, self.links, self.boost)
        )

    def __hash__(self) -> int:
        return hash((type(self).__name__, self.fieldname, tuple(self.links), self.boost))


def _link_text(link: wq.Query) -> str:
    text = str(getattr(link, "text", ""))
    if isinstance(link, wq.Prefix):
        return text + "*"
    if isinstance(link, wq.FuzzyTerm):
        return f"{text}~{link.maxdist}" if link.maxdist != 1 else f"{text}~"
    return text


#: Fields whose words are split at hyphens (the facets keep values whole).
_SPLIT_FIELDS = (DEFAULT_FIELD, F.TITLE, F.BODY)
_PATTERNS = (wq.Prefix, wq.Wildcard, wq.FuzzyTerm)


def _linked_pattern(node: wq.Query) -> wq.Query | None:
    """A pattern typed with hyphens as a :class:`LinkedPhrase` of its parts
    (or'ed with its solid spelling, as a :class:`Compound`); None when it has no hyphen."""
    text = str(getattr(node, "text", ""))
    fieldname = str(getattr(node, "fieldname", ""))
    if fieldname not in _SPLIT_FIELDS or not re.search(f"[{_JOINERS}]", text):
        return None
    parts = [part for part in re.split(f"[{_JOINERS}]+", text) if part]
    if len(parts) < 2:
        if len(parts) == 1 and isinstance(node, wq.Prefix) and text[-1] in _JOINERS:
            # ``coca-*``: a word and a hyphen before the star; searched as
            # ``coca*``, as ``iran-contra-*`` is ``iran contra*``.
            stem = wq.Prefix(fieldname, parts[0], boost=float(getattr(node, "boost", 1.0)))
            return _linked_pattern(stem) or stem
        return None
    schema = _parser().schema
    assert schema is not None  # the parser is built with its parsing schema
    field = schema[fieldname]
    boost = float(getattr(node, "boost", 1.0))
    links: list[wq.Query] = []
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if last and isinstance(node, wq.Prefix):
            links.append(wq.Prefix(fieldname, part))
        elif last and isinstance(node, wq.FuzzyTerm):
            links.append(
                wq.FuzzyTerm(fieldname, part, maxdist=node.maxdist, prefixlength=node.prefixlength)
            )
        elif re.fullmatch(r"[^*?]+\*", part):
            links.append(wq.Prefix(fieldname, part[:-1]))
        elif "*" in part or "?" in part:
            links.append(wq.Wildcard(fieldname, part))
        else:
            words = field.process_text(part, mode="query")
            links.extend(wq.Term(fieldname, word) for word in words)
    if len(links) < 2:
        return links[0] if links else wq.NullQuery
    linked = LinkedPhrase(fieldname, links, boost=boost)
    solid = re.sub(f"[{_JOINERS}]", "", text)
    if isinstance(node, wq.FuzzyTerm) or not re.fullmatch(r"[\w*?]+", solid):
        # A fuzzy solid word (``irancontr~``) would compare it with a large
        # part of the vocabulary for the rare story that writes it so.
        return linked
    alternative: wq.Query = (
        wq.Prefix(fieldname, solid, boost=boost)
        if isinstance(node, wq.Prefix)
        else wq.Wildcard(fieldname, solid, boost=boost)
    )
    return Compound([linked, alternative])


def _phrase_patterns(node: wq.Query, typed: str) -> wq.Query:
    """``node`` with each quoted phrase holding a ``word*`` made a :class:`LinkedPhrase`.

    Whoosh's analyzer drops the star from ``"coca co*"``, which then
    searched the word ``co``. The phrase keeps where each word was typed,
    so a word the star follows becomes a prefix link. Proximity phrases
    (``"a b*"~5``) keep Whoosh's reading: a linked phrase is adjacent words.
    """
    if isinstance(node, wq.Phrase):
        ranges = getattr(node, "char_ranges", None)
        if (
            node.fieldname not in _SPLIT_FIELDS
            or node.slop != 1
            or not ranges
            or len(ranges) != len(node.words)
        ):
            return node
        starred = [end is not None and typed[end : end + 1] == "*" for _, end in ranges]
        if not any(starred):
            return node
        links: list[wq.Query] = [
            wq.Prefix(node.fieldname, word) if star else wq.Term(node.fieldname, word)
            for word, star in zip(node.words, starred, strict=True)
        ]
        if len(links) == 1:
            return links[0]
        return LinkedPhrase(node.fieldname, links, boost=node.boost)
    if node.is_leaf():
        return node
    return node.apply(lambda child: _phrase_patterns(child, typed))


#: Initials written with dots: ``u.s.``, ``u.k.``, ``e.c.``.
_DOTTED = re.compile(r"(?:[^\W\d_]\.){2,}")


def _dotted_prefix(node: wq.Query) -> wq.Query | None:
    """``U.S.*``, ``U.S.-*``: initials with dots are a whole word (indexed as ``us``),
    never the start of a longer one, so the star stands for the word itself; its
    hyphenated compounds (``U.S.-led``) are split into it at indexing. Searching the
    prefix ``u.s.`` found only the few stories where the dots stayed in a token."""
    if not isinstance(node, wq.Prefix) or node.fieldname not in _SPLIT_FIELDS:
        return None
    stem = str(node.text).rstrip(_JOINERS)
    if not _DOTTED.fullmatch(stem):
        return None
    schema = _parser().schema
    assert schema is not None  # the parser is built with its parsing schema
    words = list(schema[node.fieldname].process_text(stem, mode="query"))
    return wq.Term(node.fieldname, words[0], boost=node.boost) if len(words) == 1 else None


def _link_patterns(node: wq.Query) -> wq.Query:
    """``node`` with each hyphenated pattern replaced by :func:`_linked_pattern`."""
    if isinstance(node, _PATTERNS):
        return _dotted_prefix(node) or _linked_pattern(node) or node
    if node.is_leaf():
        return node
    return node.apply(_link_patterns)


class _NewsParser(qparser.QueryParser):
    """Whoosh's parser, with compound words kept together (see :class:`Compound`)."""

    def term_query(  # type: ignore[override]  # Whoosh's signature, untyped
        self,
        fieldname: str,
        text: str,
        termclass: Any,
        boost: float = 1.0,
        tokenize: bool = True,
        removestops: bool = True,
    ) -> Any:
        field = self.schema[fieldname] if self.schema and fieldname in self.schema else None
        if termclass is not wq.Term or not tokenize or field is None or field.self_parsing():
            return super().term_query(fieldname, text, termclass, boost, tokenize, removestops)
        parts = list(field.process_text(text, mode="query", removestops=removestops))
        if len(parts) < 2:
            return super().term_query(fieldname, text, termclass, boost, tokenize, removestops)
        return compound_query(fieldname, parts, self._joined(field, text), boost)

    @staticmethod
    def _joined(field: fields.FieldType, text: str) -> str | None:
        """The compound written as one word, when its parts are plain words with a letter."""
        if not _JOINABLE.fullmatch(text) or not any(ch.isalpha() for ch in text):
            return None
        solid = re.sub(f"[{_JOINERS}]", "", text)
        words = list(field.process_text(solid, mode="query", removestops=False))
        return words[0] if len(words) == 1 else None


@lru_cache(maxsize=1)
def _parser() -> qparser.QueryParser:
    text = text_analyzer()
    values = value_analyzer()
    declared: dict[str, fields.FieldType] = {
        DEFAULT_FIELD: fields.TEXT(analyzer=text),
        F.TITLE: fields.TEXT(analyzer=text),
        F.BODY: fields.TEXT(analyzer=text),
    }
    for name, target in F.QUERY_FIELDS.items():
        if target not in (F.TITLE, F.BODY):
            declared[name] = fields.TEXT(analyzer=values)
    parser = _NewsParser(DEFAULT_FIELD, fields.Schema(**declared), group=qparser.AndGroup)
    parser.remove_plugin_class(qparser.RangePlugin)
    parser.add_plugin(qparser.FuzzyTermPlugin())
    # A leading minus is NOT as a prefix operator, so it works inside
    # brackets too (Whoosh's PlusMinusPlugin handled only the top level).
    not_minus = qparser.OperatorsPlugin.OpTagger(
        MINUS_OPERATOR, syntax.NotGroup, syntax.PrefixOperator, memo="minus"
    )
    parser.replace_plugin(qparser.OperatorsPlugin(ops=[(not_minus, 0)]))
    return parser


def _check_balanced(text: str) -> None:
    if text.count('"') % 2:
        raise SearchRequestError(
            'the query has an unbalanced quote ("); close the phrase or remove the quote',
            code="bad_query",
            param="q",
        )
    depth = 0
    in_phrase = False
    for char in text:
        if char == '"':
            in_phrase = not in_phrase
        elif not in_phrase and char == "(":
            depth += 1
        elif not in_phrase and char == ")":
            depth -= 1
            if depth < 0:
                break
    if depth != 0:
        raise SearchRequestError(
            "the query has unbalanced parentheses", code="bad_query", param="q"
        )


def _leaves(query: Query) -> int:
    children = list(query.children()) if query.is_leaf() is False else []
    if not children:
        return 1
    return sum(_leaves(child) for child in children)


def parse_query(text: str) -> Query | None:
    """Parse the search box's text; None for an empty query.

    Raises :class:`SearchRequestError` for syntax the user must fix.
    """
    text = text.strip()
    if not text:
        return None
    _check_balanced(text)
    try:
        typed = PLUS_OPERATOR.sub("", text)
        query = _parser().parse(typed)
    except Exception as exc:  # noqa: BLE001  Whoosh's parser raises assorted types
        raise SearchRequestError(
            f"the query could not be understood ({exc})", code="bad_query", param="q"
        ) from None
    query = _link_patterns(_phrase_patterns(query, typed))
    if _leaves(query) > MAX_CLAUSES:
        raise SearchRequestError(
            f"the query has too many terms (the limit is {MAX_CLAUSES})",
            code="query_too_complex",
            param="q",
        )
    return query
