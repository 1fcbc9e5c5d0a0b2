"""Where the heavy computations run: serially, on a local Dask cluster, or on an existing one.

Every heavy loop of fitkit (LEE toys, m_X scans, profile scans with MIGRAD per point, constraint
maps, the fits of ``fitkit run``) is written as ``map_tasks(fn, tasks)``: ``fn(task)`` is a pure
function (its result depends on the task only, never on which process runs it or on what ran
before), so the results are the same serially and on any number of workers.

Three modes:

- serial (default): the tasks run in this process, one after the other;
- ``workers=N``: a local Dask cluster of N worker processes with one thread each, started on first
  use and closed when the :func:`session` ends;
- ``scheduler="tcp://host:port"``: the workers of an existing Dask cluster.

Worker environment. Dask's nanny sets ``MALLOC_TRIM_THRESHOLD_=65536`` in its workers (config
``distributed.nanny.pre-spawn-environ``); with glibc that disables the dynamic mmap threshold, so
every large numpy temporary is mapped and unmapped again, and a toy of the Belle II likelihood
took 2.2x the CPU time of the serial run (issue 15). fitkit removes that variable (a ``None`` in
the config unsets it) and sets ``OMP/MKL/OPENBLAS_NUM_THREADS=1`` (one BLAS thread per worker,
as in the serial run: BLAS reductions, hence results, do not depend on the thread count). Every
task, serial or not, runs under ``threadpoolctl.threadpool_limits(1)`` for the same reason.

Load balance. Tasks are sent in chunks (contiguous runs of tasks, one Dask task each) so that the
per-task overhead of the scheduler (about 1 ms) is paid per chunk; there are at least
``CHUNKS_PER_WORKER`` x workers chunks, so that no worker idles while another finishes a long
chunk. Chunking never changes a result: it only groups calls of the pure ``fn``.

Progress: ``progress(done, total)`` (tasks) is called as tasks (serial) or chunks (Dask) complete.

Example:
    >>> map_tasks(abs, [-2, 3, -4])
    [2, 3, 4]
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from fitkit.errors import InputError

__all__ = [
    "map_tasks",
    "session",
    "Executor",
    "check_workers",
    "check_scheduler",
    "chunk_bounds",
    "CHUNKS_PER_WORKER",
    "WORKER_ENV",
]

T = TypeVar("T")
R = TypeVar("R")
Progress = Callable[[int, int], None]

#: At least this many chunks per worker (load balance; module docstring).
CHUNKS_PER_WORKER: int = 4
#: Chunks per worker when the tasks are many (smaller chunks: a shorter idle tail at the end).
MAX_CHUNKS_PER_WORKER: int = 16
#: Environment of the Dask worker processes (None: unset; module docstring).
WORKER_ENV: dict[str, str | None] = {
    "MALLOC_TRIM_THRESHOLD_": None,
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
}
#: Most local workers ``--workers`` accepts.
MAX_WORKERS: int = 256

_ADDRESS = re.compile(r"^(tcp|tls|inproc|ucx|ws|wss)://[^\s/:]+(:\d{1,5})?$|^[^\s/:]+:\d{1,5}$")


def check_workers(workers: int | None, *, field: str = "--workers") -> int | None:
    """``workers`` if it is None or 1..MAX_WORKERS, else an :class:`InputError`."""
    if workers is None:
        return None
    if isinstance(workers, bool) or not isinstance(workers, int) or not 1 <= workers <= MAX_WORKERS:
        raise InputError(f"the number of workers must be an integer from 1 to {MAX_WORKERS}, got {workers!r}", field=field)
    return workers


def check_scheduler(address: str | None, *, field: str = "--scheduler") -> str | None:
    """A Dask scheduler address (``tcp://host:port`` or ``host:port``), else an :class:`InputError`.

    Example:
        >>> check_scheduler("tcp://10.0.0.5:8786")
        'tcp://10.0.0.5:8786'
    """
    if address is None:
        return None
    if not _ADDRESS.match(address.strip()):
        raise InputError(f"not a Dask scheduler address (tcp://HOST:PORT): {address!r}", field=field)
    return address.strip()


def _check_dask(field: str) -> None:
    try:
        import distributed  # noqa: F401
    except ImportError:
        raise InputError("Dask is not installed: pip install 'fitkit[dask]'", field=field) from None


def chunk_bounds(n_tasks: int, n_workers: int) -> list[tuple[int, int]]:
    """Contiguous chunks [start, stop) of ``n_tasks`` for ``n_workers`` (module docstring: load balance).

    Example:
        >>> chunk_bounds(10, 2)
        [(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (5, 6), (6, 7), (7, 8), (8, 9), (9, 10)]
        >>> len(chunk_bounds(1000, 2)), chunk_bounds(1000, 2)[-1]
        (32, (969, 1000))
    """
    if n_tasks <= 0:
        return []
    n_chunks = min(n_tasks, max(CHUNKS_PER_WORKER, MAX_CHUNKS_PER_WORKER) * max(n_workers, 1))
    edges = [round(i * n_tasks / n_chunks) for i in range(n_chunks + 1)]
    return [(a, b) for a, b in zip(edges[:-1], edges[1:]) if b > a]


def _run_chunk(fn: Callable[[Any], Any], tasks: Sequence[Any]) -> list[Any]:
    """Run ``fn`` over ``tasks`` with one BLAS thread (in a worker or in this process)."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        return [fn(t) for t in tasks]


class Executor:
    """Runs :func:`map_tasks` serially (``workers`` and ``scheduler`` None), on a local Dask cluster
    of ``workers`` processes (started on first use), or on the cluster at ``scheduler``."""

    def __init__(self, workers: int | None = None, scheduler: str | None = None) -> None:
        self.workers = check_workers(workers)
        self.scheduler = check_scheduler(scheduler)
        if self.workers is not None and self.scheduler is not None:
            raise InputError("give either --workers (a local cluster) or --scheduler (an existing one), not both", field="--scheduler")
        if self.workers is not None or self.scheduler is not None:
            _check_dask("--scheduler" if self.scheduler else "--workers")
        self._client: Any = None
        self._cluster: Any = None

    @property
    def parallel(self) -> bool:
        """True if tasks go to Dask workers."""
        return self.workers is not None or self.scheduler is not None

    def client(self) -> Any:
        """The Dask client (starting the local cluster or connecting on first use)."""
        if self._client is not None:
            return self._client
        import dask
        from distributed import Client, LocalCluster

        if self.scheduler is not None:
            try:
                self._client = Client(self.scheduler, timeout="10s")
            except (OSError, TimeoutError) as exc:
                raise InputError(f"cannot reach the Dask scheduler {self.scheduler}: {exc}", field="--scheduler") from None
            return self._client
        env = {k: v for k, v in WORKER_ENV.items() if v is not None}
        with dask.config.set({f"distributed.nanny.pre-spawn-environ.{k}": v for k, v in WORKER_ENV.items()}):
            # scheduler on 127.0.0.1 (LocalCluster's default); no dashboard, and the scheduler's own
            # HTTP routes on a free port of 127.0.0.1 (by default 8787 on all interfaces)
            self._cluster = LocalCluster(
                n_workers=self.workers, threads_per_worker=1, processes=True, dashboard_address=None, env=env,
                scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
            )
        self._client = Client(self._cluster)
        return self._client

    def n_workers(self) -> int:
        """Workers the tasks are spread over (1 serially)."""
        if not self.parallel:
            return 1
        if self.workers is not None:
            return self.workers
        return max(len(self.client().scheduler_info(n_workers=-1).get("workers", {})), 1)

    def map(self, fn: Callable[[T], R], tasks: Sequence[T], *, progress: Progress | None = None) -> list[R]:
        """``[fn(t) for t in tasks]``, in order (module docstring)."""
        tasks = list(tasks)
        total = len(tasks)
        if not self.parallel or total == 0:
            out: list[R] = []
            for i, t in enumerate(tasks):
                out.extend(_run_chunk(fn, [t]))
                if progress is not None:
                    progress(i + 1, total)
            return out
        from distributed import as_completed

        client = self.client()
        bounds = chunk_bounds(total, self.n_workers())
        fn_remote = client.scatter(fn, broadcast=True, hash=False) if _worth_scattering(fn) else fn
        futures = [client.submit(_run_chunk, fn_remote, tasks[a:b], pure=False) for a, b in bounds]
        size = {f.key: b - a for f, (a, b) in zip(futures, bounds)}
        done = 0
        try:
            for fut in as_completed(futures):
                if fut.status == "error":
                    fut.result()  # raises the task's exception here
                done += size[fut.key]
                if progress is not None:
                    progress(done, total)
            parts = client.gather(futures)
        finally:
            for fut in futures:
                fut.release()
        return [r for part in parts for r in part]

    def close(self) -> None:
        """Close the client (and the local cluster if this executor started it)."""
        if self._client is not None:
            self._client.close()
        if self._cluster is not None:
            self._cluster.close()
        self._client = self._cluster = None


def _worth_scattering(fn: Any) -> bool:
    """Send ``fn`` to the workers once (not with every chunk) when it carries data (a partial)."""
    return bool(getattr(fn, "args", None) or getattr(fn, "keywords", None))


_CURRENT: list[Executor] = []


@contextmanager
def session(workers: int | None = None, scheduler: str | None = None) -> Iterator[Executor]:
    """Make :func:`map_tasks` calls inside the block use this executor (the CLI's ``--workers`` /
    ``--scheduler``); the local cluster, if one was started, is closed at the end."""
    ex = Executor(workers, scheduler)
    _CURRENT.append(ex)
    try:
        yield ex
    finally:
        _CURRENT.pop()
        ex.close()


def map_tasks(
    fn: Callable[[T], R],
    tasks: Sequence[T],
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: Progress | None = None,
) -> list[R]:
    """``[fn(t) for t in tasks]`` serially, on ``workers`` local Dask workers or on ``scheduler``.

    Without ``workers`` and ``scheduler`` the executor of the enclosing :func:`session` is used
    (serial outside one). ``fn`` must be a pure, picklable function (a module-level function or a
    ``functools.partial`` of one); the results do not depend on the mode or the worker count.
    """
    if workers is None and scheduler is None:
        ex = _CURRENT[-1] if _CURRENT else Executor()
        return ex.map(fn, tasks, progress=progress)
    with session(workers, scheduler) as ex:
        return ex.map(fn, tasks, progress=progress)

