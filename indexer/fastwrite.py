"""A faster way for Whoosh to write a brand-new segment.

Whoosh's writer pushes every posting through an external-sort pool and then
through a per-posting write loop that also reads the document's field length
back from disk: about 10 µs per posting, which is most of a Reuters build.
A worker that writes one fresh segment from documents it adds in docnum
order needs none of that machinery:

* :class:`MemoryPool` groups postings by (field, term) in arrays as they are
  added, already in docnum order (no sort, no spill files); a text term's
  positions go into one flat array;
* :class:`FastSegmentWriter` hands each term's postings, with block length
  statistics from an in-memory array of field length codes, to
  :class:`~indexer.whoosh_internals.PostingsOutput`, which encodes them in
  Whoosh 3's block layout and adds the term to Whoosh's own term table.

Everything that knows Whoosh's private layout lives in
:mod:`indexer.whoosh_internals`; this module decides *what* to write. What
a reader sees is exactly what Whoosh would write (a test checks it term by
term against a stock-written index). Only the Whoosh 3 codec is supported;
for any other codec the stock path runs unchanged.
"""

from __future__ import annotations

import heapq
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

import numpy as np

from indexer.analysis import PackedPositions
from indexer.whoosh_internals import PostingsOutput, WorkerSegmentWriter, length_code, merging

#: One term's postings: doc numbers, weights, encoded values; or, for a term
#: of the analyzer's fast path, doc numbers, position counts and all the
#: positions in one array (see :meth:`FastSegmentWriter._add_text`).
_Entry = tuple[array, array, list[bytes]] | tuple[array, array, array]
#: A term's bytes and its postings, as written.
_Postings = tuple[bytes, array, array, list[bytes]]
#: Distinct facet/ID values whose postings are remembered per field.
_MEMO_LIMIT = 50_000


@dataclass(slots=True)
class Kept:
    """What a writer kept of its segment while writing it, for the segment's array file.

    The search arrays (:mod:`indexer.segment_arrays`) are dates, lengths,
    facet postings, signatures and term lists: all of it passes through
    the writer, so keeping it as it goes by costs a dictionary look-up per
    field, where reading it back from the finished segment cost ~15% of a
    worker's time (one posting-list read per facet value, one Python call
    per term).
    """

    #: field -> {docnum: column value} of the columns asked for.
    columns: dict[str, dict[int, Any]]
    #: field -> (terms in byte order, each term's doc numbers).
    postings: dict[str, tuple[list[bytes], list[array]]] = field(default_factory=dict)
    #: field -> (terms in byte order, each term's document frequency).
    counts: dict[str, tuple[list[bytes], list[int]]] = field(default_factory=dict)
    #: field -> one-byte length codes by docnum (None: no document had the field).
    lengths: dict[str, bytearray | None] = field(default_factory=dict)
    #: Fields whose postings (doc numbers) are kept.
    postings_fields: frozenset[str] = frozenset()
    #: Fields whose terms and document frequencies are kept.
    count_fields: frozenset[str] = frozenset()
    #: Fields whose length codes are kept.
    length_fields: frozenset[str] = frozenset()


class MemoryPool:
    """Postings grouped by field, then term: doc numbers, weights, values.

    Terms of the analyzer's fast path are kept as ``str`` and encoded once
    per distinct term at flush time (UTF-8 sorts like code points, so the
    order is the same), with their positions in one flat array per term;
    terms from Whoosh's own ``field.index`` stay bytes, with a list of
    encoded values.
    Implements the part of Whoosh's ``PostingPool`` interface the writer
    uses when only ``add_document`` is called.
    """

    def __init__(self) -> None:
        self.fields: dict[str, dict[str | bytes, _Entry]] = {}
        self.fieldnames: set[str] = set()
        self.count = 0

    def field(self, fieldname: str) -> dict[str | bytes, _Entry]:
        terms = self.fields.get(fieldname)
        if terms is None:
            terms = self.fields[fieldname] = {}
            self.fieldnames.add(fieldname)
        return terms

    def add(self, item: tuple[str, bytes, int, float, bytes | None]) -> None:
        fieldname, tbytes, docnum, weight, value = item
        terms = self.field(fieldname)
        entry = terms.get(tbytes)
        if entry is None:
            entry = terms[tbytes] = (array("I"), array("f"), [])
        entry[0].append(docnum)
        entry[1].append(weight)
        entry[2].append(value or b"")
        self.count += 1

    def cleanup(self) -> None:
        self.fields = {}

    def save(self) -> None:  # nothing spills: the builder bounds the pool's size
        pass


class FastSegmentWriter(WorkerSegmentWriter):
    """A lock-free segment writer for worker processes (add_document only)."""

    def __init__(self, ix: Any, **kwargs: Any) -> None:
        super().__init__(ix, **kwargs)
        self._fast = self.whoosh3
        #: Field lengths as Whoosh stores them, one-byte codes (log scale,
        #: monotonic, 0 only for 0), by field: block and term statistics are
        #: the codes of minima and maxima, so they can work on codes.
        self._lengths: dict[str, dict[int, int]] = {}
        self._text_fields: dict[str, Any] = {}
        self._memo: dict[str, dict[str | None, list[tuple[bytes, int, float, bytes]]]] = {}
        #: What is kept for the array file (see :meth:`keep`); None: nothing.
        self.kept: Kept | None = None
        if self._fast:
            self.pool.cleanup()
            self.pool: Any = MemoryPool()

    def keep(
        self,
        columns: Iterable[str],
        postings: Iterable[str],
        counts: Iterable[str],
        lengths: Iterable[str],
    ) -> Kept | None:
        """Keep these columns' values, fields' postings or term counts, and length codes.

        Call before the first document; returns the record filled as the
        segment is written (complete once it is finished), or None when
        this writer cannot (not the Whoosh 3 fast path).
        """
        if not self._fast:
            return None
        self.kept = Kept(
            columns={name: {} for name in columns},
            postings_fields=frozenset(postings),
            count_fields=frozenset(counts),
            length_fields=frozenset(lengths),
        )
        return self.kept

    @property
    def pending_postings(self) -> int:
        return self.pool.count if self._fast else 0

    def add_document(self, **fields: Any) -> None:
        """Whoosh's ``add_document``, with postings appended straight to the pool.

        Same per-document records (stored values, lengths, columns) through
        the same per-document writer; only the per-posting tuple and method
        call of the stock loop are gone, and field lengths are remembered for
        the block statistics instead of being read back from disk. Boost
        keywords (``_boost``) are not supported: newsearch does not use them.
        """
        if not self._fast:
            super().add_document(**fields)
            return
        docnum = self.start_document()
        try:
            for fieldname in sorted(name for name in fields if not name.startswith("_")):
                if fields[fieldname] is not None:
                    self._add_field(docnum, fieldname, fields)
        except ValueError:
            self.cancel_document()
            raise
        self.pool.fieldnames.update(name for name in fields if not name.startswith("_"))
        self.finish_document()

    def _add_field(self, docnum: int, fieldname: str, fields: dict[str, Any]) -> None:
        value = fields[fieldname]
        field = self.schema[fieldname]
        analyzer = self._packed_text(fieldname)
        if analyzer is not None and isinstance(value, str):
            length = self._add_text(docnum, fieldname, analyzer, value)
        elif field.indexed:
            length = self._add_postings(docnum, fieldname, field, value)
        else:
            length = 0
        if field.scorable:
            self._lengths.setdefault(fieldname, {})[docnum] = length_code(length)
        else:
            length = 0
        customval = fields.get(f"_stored_{fieldname}", value)
        self.add_stored(fieldname, field, customval if field.stored else None, length)
        column = field.column_type
        if column and customval is not None:
            colvalue = field.to_column_value(customval)
            self.add_column(fieldname, column, colvalue)
            if self.kept is not None and (kept := self.kept.columns.get(fieldname)) is not None:
                kept[docnum] = colvalue

    def _add_text(self, docnum: int, fieldname: str, analyzer: Any, text: str) -> int:
        """``PackedPositions.word_values`` inlined: term -> positions.

        A term's positions go into one flat array with a count per document,
        not into a bytes object per posting: a few bytes per posting instead
        of ~45, and the flush reads them sequentially instead of chasing a
        pointer per posting (which cost a tenth of the flush in cache
        misses). The per-posting values are cut from the array at flush.
        """
        terms = self.pool.field(fieldname)
        length = 0
        found = analyzer.term_positions(text)
        for word, positions in found.items():
            entry = terms.get(word)
            if entry is None:
                entry = terms[word] = (array("I"), array("f"), array("I"))
            count = len(positions)
            entry[0].append(docnum)
            entry[1].append(count)
            entry[2].extend(positions)
            length += count
        self.pool.count += len(found)
        return length

    def _add_postings(self, docnum: int, fieldname: str, field: Any, value: Any) -> int:
        """One document's postings of a non-text field (Whoosh's ``field.index``).

        Facet values repeat across documents (a dateline, a topic list), so
        their postings are remembered per value; a field's output depends on
        the value alone.
        """
        terms = self.pool.field(fieldname)
        memo = self._memo.setdefault(fieldname, {})
        key = value if isinstance(value, str) else None
        postings = memo.get(key) if key is not None else None
        if postings is None:
            postings = [(t, f, w, v or b"") for t, f, w, v in field.index(value)]
            if key is not None and not field.unique and len(memo) < _MEMO_LIMIT:
                memo[key] = postings
        length = 0
        for tbytes, freq, weight, vbytes in postings:
            entry = terms.get(tbytes)
            if entry is None:
                entry = terms[tbytes] = (array("I"), array("f"), [])
            entry[0].append(docnum)
            entry[1].append(weight)
            entry[2].append(vbytes)
            length += freq
        self.pool.count += len(postings)
        return length

    def _packed_text(self, fieldname: str) -> Any | None:
        """The analyzer of a PackedPositions text field with a fast path, else None."""
        cached = self._text_fields.get(fieldname, False)
        if cached is False:
            field = self.schema[fieldname]
            analyzer = getattr(field, "analyzer", None)
            fast = (
                isinstance(field.format, PackedPositions)
                and field.scorable
                and hasattr(analyzer, "term_positions")
            )
            cached = analyzer if fast else None
            self._text_fields[fieldname] = cached
        return cached

    def _field_lengths(self, fieldname: str) -> bytearray | None:
        """Field length codes by docnum, or None for a field without lengths."""
        known = self._lengths.get(fieldname)
        if not known:
            return None
        return bytearray(known.get(docnum, 0) for docnum in range(self.docnum))

    def write_terms(self, out: PostingsOutput) -> None:
        """Every field's terms in byte order, each term's postings in docnum order."""
        kept = self.kept
        for fieldname in sorted(self.pool.fields):
            terms = self.pool.fields[fieldname]
            fieldobj = self.schema[fieldname]
            lengths = self._field_lengths(fieldname)
            out.start_field(fieldname, fieldobj)
            boost = fieldobj.format.field_boost
            keep_ids = kept is not None and fieldname in kept.postings_fields
            keep_df = kept is not None and fieldname in kept.count_fields
            names: list[bytes] = []
            ids_kept: list[array] = []
            dfs: list[int] = []
            for tbytes, ids, weights, values in _by_bytes(terms, boost):
                out.add_term(tbytes, ids, weights, values, lengths)
                if keep_ids or keep_df:
                    names.append(tbytes)
                    if keep_ids:
                        ids_kept.append(ids)
                    if keep_df:
                        dfs.append(len(ids))
            out.finish_field()
            if kept is not None:
                if fieldname in kept.length_fields:
                    kept.lengths[fieldname] = lengths
                if keep_ids:
                    kept.postings[fieldname] = (names, ids_kept)
                if keep_df:
                    kept.counts[fieldname] = (names, dfs)
        if kept is not None:
            for fieldname in kept.length_fields - kept.lengths.keys():
                kept.lengths[fieldname] = self._field_lengths(fieldname)
        out.close()
        self.pool.cleanup()
        self._memo = {}


def _by_bytes(terms: dict[str | bytes, _Entry], boost: float) -> Iterator[_Postings]:
    """A field's terms in byte order, each with its postings.

    A field's terms are ``str`` (the analyzer's fast path) or bytes
    (Whoosh's ``field.index``); a text field given both strings and token
    lists has both, and one term's two entries are merged in docnum order.
    """
    keys: dict[bytes, list[str | bytes]] = {}
    for term in terms:
        keys.setdefault(term.encode("utf-8") if isinstance(term, str) else term, []).append(term)
    for tbytes in sorted(keys):
        entries = [_as_values(terms[term], boost) for term in keys[tbytes]]
        if len(entries) == 1:
            yield tbytes, *entries[0]
            continue
        merged = sorted(
            (docnum, weight, value)
            for ids, weights, values in entries
            for docnum, weight, value in zip(ids, weights, values, strict=True)
        )
        yield (
            tbytes,
            array("I", [d for d, _, _ in merged]),
            array("f", [w for _, w, _ in merged]),
            [v for _, _, v in merged],
        )


def _as_values(entry: _Entry, boost: float) -> tuple[array, array, list[bytes]]:
    """A pool entry as doc numbers, weights and one encoded value per posting.

    A fast-path entry's flat positions are cut into each posting's packed
    positions, and its counts become weights (frequency x field boost).
    """
    ids, weights, values = entry
    if not isinstance(values, array):
        return ids, weights, values
    raw = values.tobytes()
    if len(ids) == 1:
        cut = [raw]
    else:
        cut = []
        start = 0
        for count in weights:
            end = start + (int(count) << 2)
            cut.append(raw[start:end])
            start = end
    if boost != 1.0:
        weights = array("f", [count * boost for count in weights])
    return ids, weights, cut


#: Posting lists up to this long are renumbered past deletions in Python.
_SMALL_LIST = 48


@dataclass(slots=True)
class _Source:
    """One segment being merged: its reader, and where its documents go."""

    reader: Any
    #: New doc number of each old one (-1: deleted); None: ``base + old``.
    docmap: np.ndarray | None
    base: int
    #: ``docmap`` as a list (for short posting lists); empty without deletions.
    newnums: list[int] = field(default_factory=list)


class MergingSegmentWriter(FastSegmentWriter):
    """Writes one segment that is the concatenation of existing segments.

    What Whoosh's ``add_reader`` produces (the same documents in the same
    order, deleted ones left out, the same stored fields, lengths, columns
    and postings), without its external sort: documents are copied in
    order by :meth:`add_segment`, and at flush each term's postings are the
    sources' posting lists one after the other, document numbers shifted
    (or renumbered past deletions), written through the same block encoder
    as a worker's segment. ``tests/unit/test_concat_merge.py`` compares the
    result with a Whoosh merge term by term, document by document and
    query by query.
    """

    def __init__(self, ix: Any, **kwargs: Any) -> None:
        super().__init__(ix, **kwargs)
        if not self._fast:
            raise ValueError("merging by concatenation needs the Whoosh 3 codec")
        self._sources: list[_Source] = []
        #: field -> length codes of the merged documents, in order.
        self._codes: dict[str, list[np.ndarray]] = {}

    def add_segment(self, reader: Any) -> None:
        """Copy one segment's live documents (stored fields, lengths, columns) after the others."""
        if merging.has_vectors(reader):
            raise ValueError("merging by concatenation does not copy term vectors")
        size = int(reader.doc_count_all())
        base = int(self.docnum)
        live = np.ones(size, dtype=bool)
        docmap = None
        if reader.has_deletions():
            live[np.fromiter(reader.segment().deleted_docs(), dtype=np.int64)] = False
            docmap = np.full(size, -1, dtype=np.int64)
            docmap[live] = base + np.arange(int(live.sum()), dtype=np.int64)
        names = set(self.schema.names())
        lengths: dict[str, np.ndarray] = {}
        columns: dict[str, tuple[Any, list[Any]]] = {}
        for name in sorted(names):
            codes = merging.length_codes(reader, name, size)
            if codes is not None and codes.any():
                lengths[name] = codes
            column = self.schema[name].column_type
            values = merging.column_values(reader, name, column) if column else None
            if values is not None:
                columns[name] = (column, values)
        self._copy_documents(reader, live, lengths, columns)
        count = int(live.sum())
        for name in names:
            codes = lengths.get(name)
            if codes is None:
                codes = np.zeros(count, dtype=np.uint8)
            elif docmap is not None:
                codes = codes[live]
            self._codes.setdefault(name, []).append(codes)
        newnums = docmap.tolist() if docmap is not None else []
        self._sources.append(_Source(reader, docmap, base, newnums))
        self._added = True

    def _copy_documents(
        self,
        reader: Any,
        live: np.ndarray,
        lengths: dict[str, np.ndarray],
        columns: dict[str, tuple[Any, list[Any]]],
    ) -> None:
        """Each live document's stored fields, length codes and column values, as ``add_reader``.

        Whoosh's merge reads each length back as a number (``doc_field_length``)
        and writes it again: the same code, and the segment's total length
        is the sum of those numbers; so here.
        """
        fields = {name: self.schema[name] for name in self.schema.names()}
        kept = self.kept.columns if self.kept is not None else {}
        decode = merging.LENGTH_OF_CODE
        for docnum, raw in enumerate(merging.raw_stored_documents(reader)):
            if not live[docnum]:
                continue
            newdoc = self.start_document()
            # Stored fields are copied as stored (see merging.raw_stored_documents);
            # lengths go through add_stored, with no value.
            self.add_stored_raw(raw)
            for name, codes in lengths.items():
                code = int(codes[docnum])
                if code:
                    self.add_stored(name, fields[name], None, decode[code])
            for name, (column, values) in columns.items():
                value = values[docnum]
                self.add_column(name, column, value)
                if (store := kept.get(name)) is not None:
                    store[newdoc] = value
            self.finish_document()

    def _field_lengths(self, fieldname: str) -> bytearray | None:
        parts = self._codes.get(fieldname)
        if not parts:
            return None
        codes = np.concatenate(parts)
        if not codes.any():
            return None
        return bytearray(codes.tobytes())

    def _postings(
        self, fieldname: str, fmt: Any, group: Iterable[tuple[bytes, int, Any]]
    ) -> tuple[array, array, list[bytes]]:
        """One term's postings in the merged segment: each source's in turn, renumbered."""
        ids = array("I")
        weights = array("f")
        values: list[bytes] = []
        for _, i, info in group:
            source = self._sources[i]
            part_ids, part_weights, part_values = merging.term_postings(
                source.reader, fieldname, info, fmt
            )
            if source.docmap is None:
                if source.base:
                    base = source.base
                    part_ids = array("I", [d + base for d in part_ids])
                ids.extend(part_ids)
                weights.extend(part_weights)
                values.extend(part_values)
                continue
            if len(part_ids) <= _SMALL_LIST:
                # A short list is renumbered in Python: cheaper than numpy's per-call cost.
                newnums = source.newnums
                kept_at = [k for k, d in enumerate(part_ids) if newnums[d] >= 0]
                ids.extend(newnums[part_ids[k]] for k in kept_at)
                weights.extend(part_weights[k] for k in kept_at)
                values.extend(part_values[k] for k in kept_at)
                continue
            mapped = source.docmap[np.frombuffer(part_ids, dtype=np.uint32)]
            keep = mapped >= 0
            if not keep.any():
                continue
            ids.extend(array("I", mapped[keep].astype(np.uint32).tobytes()))
            kept_weights = np.frombuffer(part_weights, dtype=np.float32)[keep]
            weights.extend(array("f", kept_weights.tobytes()))
            values.extend(v for v, k in zip(part_values, keep.tolist(), strict=True) if k)
        return ids, weights, values

    def _terms(self, fieldname: str) -> Iterator[tuple[bytes, Iterator[tuple[bytes, int, Any]]]]:
        """A field's terms in byte order over all sources, each with its (term, source, info)."""
        streams = [_tagged(src.reader, fieldname, i) for i, src in enumerate(self._sources)]
        return groupby(heapq.merge(*streams), key=lambda item: item[0])

    def write_terms(self, out: PostingsOutput) -> None:
        """Every field's terms in byte order; a term's postings source after source."""
        kept = self.kept
        fieldnames = set()
        for source in self._sources:
            fieldnames |= merging.indexed_field_names(source.reader)
        for fieldname in sorted(fieldnames & set(self.schema.names())):
            fieldobj = self.schema[fieldname]
            lengths = self._field_lengths(fieldname)
            out.start_field(fieldname, fieldobj)
            keep_ids = kept is not None and fieldname in kept.postings_fields
            keep_df = kept is not None and fieldname in kept.count_fields
            names: list[bytes] = []
            ids_kept: list[array] = []
            dfs: list[int] = []
            for tbytes, group in self._terms(fieldname):
                ids, weights, values = self._postings(fieldname, fieldobj.format, group)
                if not ids:
                    continue  # every posting was a deleted document's
                out.add_term(tbytes, ids, weights, values, lengths)
                if keep_ids or keep_df:
                    names.append(tbytes)
                    if keep_ids:
                        ids_kept.append(ids)
                    dfs.append(len(ids))
            out.finish_field()
            if kept is not None:
                if keep_ids:
                    kept.postings[fieldname] = (names, ids_kept)
                if keep_df:
                    kept.counts[fieldname] = (names, dfs)
        if kept is not None:
            for fieldname in kept.length_fields:
                kept.lengths[fieldname] = self._field_lengths(fieldname)
        out.close()
        self.pool.cleanup()


def _tagged(reader: Any, fieldname: str, tag: int) -> Iterator[tuple[bytes, int, Any]]:
    for tbytes, info in merging.field_terms(reader, fieldname):
        yield tbytes, tag, info


__all__ = ["FastSegmentWriter", "Kept", "MemoryPool", "MergingSegmentWriter"]
