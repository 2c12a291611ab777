"""Autoflush only before a query that reads what is pending.

SQLAlchemy flushes every pending change before each query (autoflush) so that the query
sees them. A unit of work that adds rows to many tables and reads other tables between
the additions (a submission: audit entries, clocks and tasks written, then payment
orders, pauses and materials read) paid a flush per read, each a round of INSERTs and
UPDATEs of a few rows; with this listener the rows wait for the first query that reads
one of their tables (or the commit), and go to the database in fewer, larger batches.

A query's result depends only on the tables it reads, so it needs the pending rows of
those tables only. The check is conservative: pending deletions (the database's
``ON DELETE`` may change other tables), statements with a joined eager load option or raw SQL text
(a joined eager load adds tables at compilation; raw SQL's tables are not visible), statements that cannot be cached and
anything but a SELECT, UPDATE or DELETE flush everything as before. A row whose collection of children
changed counts as pending in the children's table too (moving a child to another parent
updates the child's row). And rows that others refer to by a key known before their
INSERT (a department's code, a catalog entry's code) flush before any query: rows that
refer to them without an ORM relationship are put in order by SQLAlchemy only when
they go to the database in separate flushes (a row referred to by its generated ``id``
has been flushed before anyone could take the id). The tables a statement reads are found once per statement shape
(its cache key, which the compilation memoises on the statement anyway).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Integer, MetaData, event, inspect
from sqlalchemy.orm import Load, Mapper, ORMExecuteState, Session
from sqlalchemy.orm.interfaces import MANYTOMANY, ONETOMANY
from sqlalchemy.sql import visitors
from sqlalchemy.sql.elements import ColumnClause, TextClause
from sqlalchemy.sql.selectable import TableClause

_EAGER = ("joined",)  # loaded in the same statement; selectin and the like run their own
_SHAPES: dict[Any, frozenset[str] | None] = {}  # cache key → tables read (None: unknown)
_MAPPED: dict[Mapper[Any], frozenset[str]] = {}
_MAX_SHAPES = 5000
_UNSEEN = frozenset({""})  # not looked at yet (a shape's tables are never this)
_NATURAL: dict[MetaData, frozenset[str]] = {}  # tables referred to by a natural key


@event.listens_for(Session, "do_orm_execute")
def _flush_only_what_is_read(state: ORMExecuteState) -> None:
    session = state.session
    reads = state.is_select or state.is_update or state.is_delete
    if not (reads and session.autoflush) or session.deleted:
        return
    if not (session.new or session.dirty):
        return  # nothing to flush: the autoflush costs nothing
    read = _tables_read(state)
    if read is None:
        return
    pending = _pending_tables(session)
    if read.isdisjoint(pending) and pending.isdisjoint(_natural_parents(session)):
        state.update_execution_options(autoflush=False)


def _tables_read(state: ORMExecuteState) -> frozenset[str] | None:
    """The names of the tables ``state``'s statement reads, None when not all are known."""
    statement = state.statement
    if not all(_joins_nothing(option) for option in getattr(statement, "_with_options", ())):
        return None
    key = statement._generate_cache_key()  # type: ignore[attr-defined]
    if key is None:
        return None
    found = _SHAPES.get(key.key, _UNSEEN)
    if found is _UNSEEN:  # a dict shared by threads: read once, never after a clear
        found = _tables_of(statement, state.all_mappers)
        if len(_SHAPES) >= _MAX_SHAPES:
            _SHAPES.clear()
        _SHAPES[key.key] = found
    return found


def _joins_nothing(option: Any) -> bool:
    """A loader option that adds no table to its statement (a lazy load carries one)."""
    if not isinstance(option, Load):
        return False
    return all(("lazy", "joined") not in (element.strategy or ()) for element in option.context)


def _tables_of(statement: Any, mappers: Any) -> frozenset[str] | None:
    names: set[str] = set()
    for element in visitors.iterate(statement):
        if isinstance(element, TextClause):
            return None
        if isinstance(element, TableClause):
            names.add(element.fullname)
        elif isinstance(element, ColumnClause) and isinstance(element.table, TableClause):
            names.add(element.table.fullname)
    for mapper in mappers:
        names |= _mapper_tables(mapper)
    return frozenset(names)


def _mapper_tables(
    mapper: Mapper[Any], seen: frozenset[Mapper[Any]] = frozenset()
) -> frozenset[str]:
    """A mapper's tables and those its relationships load with it by default (joined)."""
    if mapper not in _MAPPED:
        names = {table.fullname for table in mapper.tables}
        for relationship in mapper.relationships:
            if relationship.lazy in _EAGER and relationship.mapper not in seen:
                names |= _mapper_tables(relationship.mapper, seen | {mapper})
                names |= _secondary(relationship)
        _MAPPED[mapper] = frozenset(names)
    return _MAPPED[mapper]


def _secondary(relationship: Any) -> set[str]:
    """The association table of a many-to-many relationship (none for the others)."""
    secondary = relationship.secondary
    return {secondary.fullname} if isinstance(secondary, TableClause) else set()


def _pending_tables(session: Session) -> set[str]:
    """The tables a flush now would write: of each new or changed row, its own, and its
    children's where a collection of them changed."""
    names: set[str] = set()
    for row in (*session.new, *session.dirty):
        row_state = inspect(row)
        mapper = row_state.mapper
        names.update(table.fullname for table in mapper.tables)
        for key in row_state.committed_state:
            relationship = mapper.relationships.get(key)
            if relationship is not None and relationship.direction in (ONETOMANY, MANYTOMANY):
                names.update(table.fullname for table in relationship.mapper.tables)
                names |= _secondary(relationship)
    return names


def _natural_parents(session: Session) -> frozenset[str]:
    """The tables some foreign key refers to by a column other than a generated integer
    ``id`` (``departments.code``, ``catalog_entries.code``)."""
    metadata = inspect(next(iter(session.new or session.dirty))).mapper.local_table.metadata
    if metadata not in _NATURAL:
        _NATURAL[metadata] = frozenset(
            key.column.table.fullname
            for table in metadata.tables.values()
            for key in table.foreign_keys
            if not (
                key.column.primary_key
                and isinstance(key.column.type, Integer)
                and len(key.column.table.primary_key.columns) == 1
            )
        )
    return _NATURAL[metadata]
