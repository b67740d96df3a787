"""Query syntax: from the search box's text to a Whoosh query tree.

We use Whoosh's parser (words, "phrases", AND/OR/NOT, ``field:value``,
``prefix*``, ``fuzzy~``, ``"proximity"~N``, ``-exclude``, ``word^2``) with a
*parsing schema* that is not the index schema: it declares the virtual field
``text`` (title and body together) and one field per facet, so that
``person:trump`` is parsed and analyzed, and the evaluator decides what each
field means. Syntax Whoosh would silently guess at (an unbalanced quote or
parenthesis) is rejected with a message instead.
"""

from __future__ import annotations

from functools import lru_cache

from whoosh import fields, qparser
from whoosh.analysis import Analyzer, CharsetFilter, LowercaseFilter, RegexTokenizer
from whoosh.query import Query
from whoosh.support.charset import accent_map

from indexer import schema as F
from indexer.analysis import WORD_PATTERN, WordShapeFilter, text_analyzer
from indexer.errors import SearchRequestError

#: The virtual default field: a word without ``field:`` searches title and body.
DEFAULT_FIELD = "text"
#: Leaf clauses (terms, phrases, patterns) one query may hold.
MAX_CLAUSES = 64


def value_analyzer() -> Analyzer:
    """Words of an entity name or dateline, for ``person:trump`` matching.

    Like the text analyzer without stop words: "Bank of England" keeps "of".
    """
    return (
        RegexTokenizer(WORD_PATTERN)
        | WordShapeFilter()
        | LowercaseFilter()
        | CharsetFilter(accent_map)
    )


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
    parser = qparser.QueryParser(DEFAULT_FIELD, fields.Schema(**declared), group=qparser.AndGroup)
    parser.remove_plugin_class(qparser.RangePlugin)
    parser.add_plugin(qparser.FuzzyTermPlugin())
    parser.add_plugin(qparser.PlusMinusPlugin())
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
        query = _parser().parse(text)
    except Exception as exc:  # noqa: BLE001  Whoosh's parser raises assorted types
        raise SearchRequestError(
            f"the query could not be understood ({exc})", code="bad_query", param="q"
        ) from None
    if _leaves(query) > MAX_CLAUSES:
        raise SearchRequestError(
            f"the query has too many terms (the limit is {MAX_CLAUSES})",
            code="query_too_complex",
            param="q",
        )
    return query
