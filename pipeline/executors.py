"""Executors run a function over work items and yield the results in order: in-process, a local
process pool, or a Dask cluster.

The function is `fn(item, shared)`: a module-level function, `shared` a picklable context
(config, corpus-level state).  Stage code never knows which executor runs it.  `close()`
stops the workers at once (also in the middle of a map, on Ctrl-C or SIGTERM) and may be
called more than once.
"""

from __future__ import annotations

import multiprocessing
import signal
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import CancelledError


class ClusterError(RuntimeError):
    """The cluster could not finish a task: its workers died repeatedly or the scheduler went away."""


class SerialExecutor:
    """Everything in this process: simplest to debug, and the reference for equivalence tests."""

    name = "serial"
    workers = 1

    def map(self, fn: Callable, items: Iterable, shared) -> Iterator:
        for item in items:
            yield fn(item, shared)

    def close(self) -> None:
        pass


def _ignore_sigint() -> None:
    """Workers leave Ctrl-C to the main process, which stops them (a terminal sends it to the whole group)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _call(job):
    fn, item, shared = job
    return fn(item, shared)


class ProcessExecutor:
    """A local pool of worker processes (default: one per core), kept for the whole run.

    The workers start at once, so their imports overlap with the main process listing the inputs.
    """

    name = "processes"

    def __init__(self, workers: int):
        self.workers = workers
        self.pool = multiprocessing.get_context("spawn").Pool(workers, initializer=_ignore_sigint)

    def map(self, fn: Callable, items: Iterable, shared) -> Iterator:
        yield from self.pool.imap(_call, ((fn, item, shared) for item in items), chunksize=1)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()
            self.pool = None


def _identity(value):
    return value


class DaskExecutor:
    """A Dask cluster: an existing one at `scheduler`, or a LocalCluster started (and closed) here."""

    name = "dask"
    window = 64  # tasks submitted ahead of the one whose result is yielded next

    def __init__(self, scheduler: str | None, workers: int):
        from dask.distributed import Client, LocalCluster

        if scheduler:
            self.cluster = None
            self.client = Client(scheduler)
        else:
            self.cluster = LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0", host="127.0.0.1"
            )
            self.client = Client(self.cluster)
        self.workers = len(self.client.scheduler_info()["workers"]) if scheduler else workers  # 0: none joined yet

    def map(self, fn: Callable, items: Iterable, shared) -> Iterator:
        """Submit at most `window` tasks ahead of the one whose result is yielded next.

        `shared` goes to the cluster as a task, not as scattered data: when the workers holding
        it die, the scheduler computes it again and the retried tasks find it.
        """
        from dask.distributed import KilledWorker

        client = self.client
        shared_future = client.submit(_identity, shared, pure=False)
        pending = []
        try:
            for item in items:
                pending.append(client.submit(fn, item, shared_future, pure=False))
                if len(pending) >= self.window:
                    yield pending.pop(0).result()
            while pending:
                yield pending.pop(0).result()
        except (CancelledError, KilledWorker) as error:
            raise ClusterError(f"the Dask cluster lost a task ({type(error).__name__}: {error})") from error
        finally:
            if self.client is not None:  # not closed by an interruption meanwhile
                client.cancel([*pending, shared_future])

    def close(self) -> None:
        if self.client is not None:
            self.client.close()
            self.client = None
        if self.cluster is not None:
            self.cluster.close()
            self.cluster = None


def make_executor(kind: str, workers: int, scheduler: str | None = None):
    """The executor for the command-line options."""
    if kind == "dask":
        return DaskExecutor(scheduler, workers)
    if workers <= 1:
        return SerialExecutor()
    return ProcessExecutor(workers)
