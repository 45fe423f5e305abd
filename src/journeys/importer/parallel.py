"""Conversion of a file's records in chunks, in worker processes for large files.

Converting a row (its phone number above all) costs far more than reading it,
so a large file's records are sent in chunks to a pool of processes and their
results come back in file order. The pool only converts. The duplicate check,
which reads the database, and every write stay in the importing process, in
its one transaction. So an import whose worker dies stores nothing, and row
errors, duplicates and line numbers are the same as without the pool. At most
two chunks per worker are in flight, so memory stays flat however large the
file is.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import threading
import time
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from journeys.errors import InvalidInputError, JourneysError
from journeys.importer.records import Record
from journeys.importer.rows import ChunkResult, ImportRow, RowConverter

# Records per chunk: large enough that sending a chunk costs little next to
# converting it, small enough that the chunks in flight take a few MiB.
CHUNK_SIZE = 2_000
# Files smaller than this (about 60,000 rows of the benchmark file) are
# converted in the importing process, because starting the workers costs
# more than they would save there.
PARALLEL_MIN_BYTES = 4 << 20
CHUNKS_IN_FLIGHT_PER_WORKER = 2
WORKERS_ENV = "JOURNEYS_IMPORT_WORKERS"
# How often a worker checks that the importing process still runs.
IMPORTER_CHECK_SECONDS = 1.0

# The converter of a worker process, set once when the worker starts.
_worker_converter: RowConverter | None = None


class ImportWorkerError(JourneysError):
    """A worker process of the import stopped before it finished its chunk."""

    code = "import_worker_failed"


def worker_count(file_size: int) -> int:
    """Return how many worker processes to convert a file of this size with; 0 for none.

    JOURNEYS_IMPORT_WORKERS sets the number; 0 or 1 turns the pool off. By
    default there is one worker per CPU core, and none for small files or
    machines with one core.
    """
    configured = os.environ.get(WORKERS_ENV, "").strip()
    if configured:
        try:
            count = int(configured)
        except ValueError:
            raise InvalidInputError(
                f"{WORKERS_ENV}={configured!r} is not a number; set it to a whole number "
                "of worker processes, or to 0 to convert rows in the importing process."
            ) from None
        return count if count > 1 else 0
    if file_size < PARALLEL_MIN_BYTES:
        return 0
    cores = os.cpu_count() or 1
    return cores if cores > 1 else 0


def converted_records(
    records: Iterator[Record], converter: RowConverter, workers: int
) -> Iterator[tuple[Record, ChunkResult]]:
    """Yield each record with its conversion result, in file order.

    With `workers` of 0 every chunk is converted here. Otherwise a pool of
    that many processes converts them, and their rows arrive as plain tuples
    in ImportRow's order. Raises ImportWorkerError when a worker dies.
    """
    chunks = _chunks(records)
    if workers == 0:
        for chunk in chunks:
            yield from zip(chunk, converter.convert_chunk(chunk), strict=True)
        return
    yield from _converted_in_pool(chunks, converter, workers)


def _converted_in_pool(
    chunks: Iterator[list[Record]], converter: RowConverter, workers: int
) -> Iterator[tuple[Record, ChunkResult]]:
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=_context(),
        initializer=_start_worker,
        initargs=(converter, os.getpid()),
    )
    pending: deque[tuple[list[Record], Future[list[ChunkResult]]]] = deque()
    try:
        for chunk in chunks:
            # Plain lists pickle and unpickle in about half the time records take.
            lines = [record.line for record in chunk]
            cells = [record.cells for record in chunk]
            pending.append((chunk, pool.submit(_convert_chunk, lines, cells)))
            if len(pending) >= workers * CHUNKS_IN_FLIGHT_PER_WORKER:
                chunk, future = pending.popleft()
                yield from zip(chunk, future.result(), strict=True)
        while pending:
            chunk, future = pending.popleft()
            yield from zip(chunk, future.result(), strict=True)
    except BrokenProcessPool as exc:
        raise ImportWorkerError(
            "A worker process of the import stopped before it finished, so nothing was "
            "imported. It may have run out of memory; import again, or set "
            f"{WORKERS_ENV}=0 to convert the rows in the importing process."
        ) from exc
    finally:
        # Runs too when the import fails or stops reading: queued chunks are
        # dropped and the workers exit.
        pool.shutdown(wait=True, cancel_futures=True)


def _chunks(records: Iterator[Record]) -> Iterator[list[Record]]:
    while chunk := list(itertools.islice(records, CHUNK_SIZE)):
        yield chunk


def _context() -> multiprocessing.context.BaseContext:
    """Return how to start the workers: fork when this process has one thread, else a forkserver.

    A fork starts at once and re-runs nothing, but it copies the locks that
    other threads (such as the API server's) hold, so a process with threads
    forks its workers from a forkserver. Workers started that way, or by spawn
    where neither exists, import the main module again, as multiprocessing
    documents, so a script that imports must guard its code with
    `if __name__ == "__main__":`.
    """
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    if "forkserver" in methods:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["journeys.importer.rows"])
        return context
    return multiprocessing.get_context("spawn")


def _start_worker(converter: RowConverter, importer: int) -> None:
    global _worker_converter
    _worker_converter = converter
    threading.Thread(target=_exit_without, args=(importer,), daemon=True).start()


def _exit_without(importer: int) -> None:
    """End this worker once the importing process is gone.

    A killed importer closes no pipes that the workers wait on, because the
    workers hold copies of them, so without this they would wait forever.
    """
    while True:
        time.sleep(IMPORTER_CHECK_SECONDS)
        try:
            os.kill(importer, 0)
        except ProcessLookupError:
            os._exit(1)


def _convert_chunk(lines: list[int], cells: list[list[str]]) -> list[ChunkResult]:
    assert _worker_converter is not None, "the worker's initializer sets the converter"
    records = [Record(line, row) for line, row in zip(lines, cells, strict=True)]
    results = _worker_converter.convert_chunk(records)
    return [tuple(result) if type(result) is ImportRow else result for result in results]
