"""The execution layer: serial == 1 worker == 2 workers, sane worker environment, chunks, bad input."""

from __future__ import annotations

import os
from functools import partial

import numpy as np
import pytest

from fitkit.errors import InputError
from fitkit.execution import (
    CHUNKS_PER_WORKER,
    check_scheduler,
    check_workers,
    chunk_bounds,
    map_tasks,
    session,
)


def _noisy_sum(i: int, *, scale: float) -> float:
    """A pure task with BLAS work: the sum of a seeded matrix product."""
    rng = np.random.default_rng(i)
    a = rng.normal(size=(60, 60))
    return float(np.sum(a @ a.T) * scale)


def _worker_env(_: int) -> tuple[str | None, str | None, str | None]:
    return os.environ.get("MALLOC_TRIM_THRESHOLD_"), os.environ.get("OPENBLAS_NUM_THREADS"), os.environ.get("OMP_NUM_THREADS")


def _fail(i: int) -> int:
    if i == 3:
        raise ValueError("task 3 failed")
    return i


def test_serial_map_keeps_order_and_reports_progress():
    calls: list[tuple[int, int]] = []
    assert map_tasks(abs, [-3, 1, -2], progress=lambda d, n: calls.append((d, n))) == [3, 1, 2]
    assert calls == [(1, 3), (2, 3), (3, 3)]
    assert map_tasks(abs, []) == []


def test_chunks_cover_the_tasks_and_keep_every_worker_busy():
    for n, w in [(1, 2), (7, 2), (40, 2), (1000, 2), (1000, 64), (5, 1)]:
        b = chunk_bounds(n, w)
        assert b[0][0] == 0 and b[-1][1] == n and all(x[1] == y[0] for x, y in zip(b[:-1], b[1:]))
        assert len(b) >= min(n, CHUNKS_PER_WORKER * w)


def test_bad_workers_and_scheduler_are_input_errors():
    for bad in (0, -1, 257, 1.5, True):
        with pytest.raises(InputError, match="--workers"):
            check_workers(bad)  # type: ignore[arg-type]
    for bad in ("", "localhost", "http://x:1", "tcp://a b:1", "tcp://host:port"):
        with pytest.raises(InputError, match="--scheduler"):
            check_scheduler(bad)
    assert check_scheduler("127.0.0.1:8786") == "127.0.0.1:8786"
    with pytest.raises(InputError, match="not both"):
        map_tasks(abs, [1], workers=2, scheduler="tcp://127.0.0.1:8786")


def test_an_unreachable_scheduler_is_an_input_error():
    with pytest.raises(InputError, match="cannot reach"):
        map_tasks(abs, [1], scheduler="tcp://127.0.0.1:9")


@pytest.mark.slow
def test_serial_one_and_two_workers_give_identical_results():
    """Same results serially, on 1 and on 2 workers; the workers' environment is fitkit's."""
    fn = partial(_noisy_sum, scale=0.5)
    tasks = list(range(12))
    serial = map_tasks(fn, tasks)
    one = map_tasks(fn, tasks, workers=1)
    calls: list[int] = []
    with session(workers=2) as ex:
        two = map_tasks(fn, tasks, progress=lambda d, n: calls.append(d))
        env = map_tasks(_worker_env, list(range(4)))
        assert ex.n_workers() == 2
        with pytest.raises(ValueError, match="task 3 failed"):
            map_tasks(_fail, list(range(6)))
    assert serial == one == two
    assert calls[-1] == 12 and calls == sorted(calls)
    assert set(env) == {(None, "1", "1")}  # no MALLOC_TRIM_THRESHOLD_ (Dask's nanny default unset)
