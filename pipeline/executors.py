"""Executors run a function over work items, in order: in-process, a local process pool, or Dask.

The function is `fn(item, shared)`; `shared` is sent to each worker once.  Stage
code never knows which executor runs it.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterable, Iterator

_worker_shared = None


def _set_shared(shared) -> None:
    global _worker_shared
    _worker_shared = shared


def _call_with_shared(job):
    fn, item = job
    return fn(item, _worker_shared)


class SerialExecutor:
    """Everything in this process: simplest to debug, and the reference for equivalence tests."""

    name = "serial"
    workers = 1

    def map(self, fn: Callable, items: Iterable, shared) -> Iterator:
        for item in items:
            yield fn(item, shared)

    def close(self) -> None:
        pass


class ProcessExecutor:
    """A local pool of worker processes (default: one per core)."""

    name = "processes"

    def __init__(self, workers: int):
        self.workers = workers

    def map(self, fn: Callable, items: Iterable, shared) -> Iterator:
        context = multiprocessing.get_context("spawn")
        with context.Pool(self.workers, initializer=_set_shared, initargs=(shared,)) as pool:
            yield from pool.imap(_call_with_shared, ((fn, item) for item in items), chunksize=1)

    def close(self) -> None:
        pass


class DaskExecutor:
    """A Dask cluster: an existing one at `scheduler`, or a LocalCluster started (and closed) here."""

    name = "dask"

    def __init__(self, scheduler: str | None, workers: int, window: int = 64):
        from dask.distributed import Client, LocalCluster

        if scheduler:
            self.cluster = None
            self.client = Client(scheduler)
        else:
            self.cluster = LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None, host="127.0.0.1"
            )
            self.client = Client(self.cluster)
        self.workers = len(self.client.scheduler_info()["workers"]) or workers
        self.window = window

    def map(self, fn: Callable, items: Iterable, shared) -> Iterator:
        shared_future = self.client.scatter(shared, broadcast=True)
        pending = []
        for item in items:
            pending.append(self.client.submit(fn, item, shared_future, pure=False))
            if len(pending) >= self.window:
                yield pending.pop(0).result()
        while pending:
            yield pending.pop(0).result()

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def make_executor(kind: str, workers: int, scheduler: str | None = None):
    """The executor for the command-line options."""
    if kind == "dask":
        return DaskExecutor(scheduler, workers)
    if workers <= 1:
        return SerialExecutor()
    return ProcessExecutor(workers)
