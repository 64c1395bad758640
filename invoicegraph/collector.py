"""The cyclic garbage collector, tuned for a server, and its pauses measured.

After start-up a worker holds a few hundred thousand long-lived objects (modules, the
schema, SQLAlchemy's mappers and compiled statements). With CPython's defaults every full
collection walks all of them: ~100 ms, every few dozen requests, which is most of the p99.
``gc.freeze()`` moves them out of the collector's sight.

What is left for the collector is a request's cyclic garbage (SQLAlchemy's statement objects,
Starlette's request, graphql-core's execution context: about 250 objects a GraphQL page), which
reference counting never frees. A young collection walks every object allocated since the last
one, and frees that garbage one object at a time, so its pause grows with the threshold: at
50,000, gen-0 collections of ~45k objects paused a request by 40-130 ms (measured in the bench),
every ~150 pages. At 1,000 a collection walks a few pages' worth and pauses about 1 ms; the
total time in the collector is no higher (it was lower: a small generation stays in the CPU's
caches).

``INVOICEGRAPH_GC_STATS=<path>`` makes a worker write its pauses to ``<path>.<pid>`` (JSON)
on ``SIGUSR1``, and start counting afresh: the bench reads them around each level.
"""

from __future__ import annotations

import gc
import json
import os
import signal
import time
from dataclasses import dataclass, field
from typing import Any

# a collection of generation 0 every 1,000 net allocations, of generation 1 every 10 of those,
# a full one every 100 of those (CPython: 700, 10, 10; it also holds a full one back until the
# objects that reached the oldest generation since the last are a quarter of those it held then)
THRESHOLDS = (1_000, 10, 100)


@dataclass
class Pauses:
    """Collections per generation and their pauses, since the last reset."""

    collections: list[int] = field(default_factory=lambda: [0, 0, 0])
    total_ms: list[float] = field(default_factory=lambda: [0.0, 0.0, 0.0])
    max_ms: list[float] = field(default_factory=lambda: [0.0, 0.0, 0.0])
    # the CPU the collections took: on a busy machine the wall-clock pause also counts the
    # time the process waited for a core
    cpu_ms: list[float] = field(default_factory=lambda: [0.0, 0.0, 0.0])
    _started: float = 0.0
    _started_cpu: float = 0.0

    def on_collection(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
            self._started_cpu = time.thread_time()
            return
        generation = int(info.get("generation", 0))
        pause = (time.perf_counter() - self._started) * 1000
        self.collections[generation] += 1
        self.total_ms[generation] += pause
        self.max_ms[generation] = max(self.max_ms[generation], pause)
        self.cpu_ms[generation] += (time.thread_time() - self._started_cpu) * 1000

    def as_dict(self) -> dict[str, Any]:
        return {
            "collections": list(self.collections),
            "total_ms": [round(t, 3) for t in self.total_ms],
            "max_ms": [round(t, 3) for t in self.max_ms],
            "cpu_ms": [round(t, 3) for t in self.cpu_ms],
        }

    def reset(self) -> None:
        self.collections = [0, 0, 0]
        self.total_ms = [0.0, 0.0, 0.0]
        self.max_ms = [0.0, 0.0, 0.0]
        self.cpu_ms = [0.0, 0.0, 0.0]


pauses = Pauses()


def tune_collector() -> None:
    """Call once start-up is done (the app's lifespan): what exists now lives forever."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
    if pauses.on_collection not in gc.callbacks:
        gc.callbacks.append(pauses.on_collection)


def report_on_signal() -> None:
    """Install the ``SIGUSR1`` report when ``INVOICEGRAPH_GC_STATS`` asks for it."""
    target = os.environ.get("INVOICEGRAPH_GC_STATS")
    if not target:
        return

    def dump(_signum: int, _frame: object) -> None:
        path = f"{target}.{os.getpid()}"
        with open(path + ".tmp", "w") as out:
            json.dump(pauses.as_dict(), out)
        os.replace(path + ".tmp", path)
        pauses.reset()

    try:
        signal.signal(signal.SIGUSR1, dump)
    except ValueError:  # not the main thread (an app run by a test harness): no report
        return
