"""Keyset paging over an engine or a connection, one short read per page."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from sqlalchemy import Connection, Engine, Row

from journeys.errors import InvalidInputError

DEFAULT_PAGE_SIZE = 5_000

T = TypeVar("T")

# A page query: (connection, after_id, limit) -> rows with an `id`, in id order.
PageQuery = Callable[[Connection, int, int], Sequence[Row]]


def iter_pages(
    source: Engine | Connection, query: PageQuery, *, page_size: int = DEFAULT_PAGE_SIZE
) -> Iterator[Sequence[Row]]:
    """Yield pages of rows until `query` returns a short page.

    Given an Engine, each page is read in its own connection and transaction,
    so that a long export never holds SQLite's write lock, which every
    transaction takes at BEGIN, between pages. The next page is read in a
    second thread while the caller handles the current one: both drivers
    release the GIL while the database works, so the two overlap on two
    cores. Given a Connection, every page is read in the caller's
    transaction, one after the other.
    """
    check_page_size(page_size)
    if isinstance(source, Connection):
        yield from _pages_in_turn(source, query, page_size)
        return

    # One page ahead at most, so memory stays at two pages.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="export-page") as reader:
        pending = reader.submit(_read_page, source, query, 0, page_size)
        try:
            while True:
                page = pending.result()
                if len(page) == page_size:
                    pending = reader.submit(_read_page, source, query, int(page[-1].id), page_size)
                if page:
                    yield page
                if len(page) < page_size:
                    return
        finally:
            # A consumer that stops early (a client that disconnects) leaves
            # at most one read running; the executor waits for it.
            pending.cancel()


def _pages_in_turn(conn: Connection, query: PageQuery, page_size: int) -> Iterator[Sequence[Row]]:
    after_id = 0
    while True:
        page = query(conn, after_id, page_size)
        if page:
            yield page
        if len(page) < page_size:
            return
        after_id = int(page[-1].id)


def check_page_size(page_size: int) -> None:
    """Raise InvalidInputError unless `page_size` is a positive number of rows."""
    if page_size < 1:
        raise InvalidInputError(
            f"invalid page size {page_size}: give a number of rows of 1 or more"
        )


def read_once(source: Engine | Connection, read: Callable[[Connection], T]) -> T:
    """Run `read` on the connection, or on a short-lived connection of the engine."""
    if isinstance(source, Connection):
        return read(source)
    with source.connect() as conn:
        return read(conn)


def _read_page(
    source: Engine | Connection, query: PageQuery, after_id: int, page_size: int
) -> Sequence[Row]:
    if isinstance(source, Connection):
        return query(source, after_id, page_size)
    with source.connect() as conn:
        return query(conn, after_id, page_size)
