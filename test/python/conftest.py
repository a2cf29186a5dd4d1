"""Fixtures shared by every test module (how to add tests and fixtures: README.md in this folder).

Built once per session, in this order, each on the one before:
  plane           the offline plan of the dev stack and a Spark Connect session on the checkout's engine; no data
  mesh            the plane reset, then one pipeline run of the four test domains over fresh topics and sample events
  gdpr_before     what the GDPR tests compare against: the registry, row counts and personal values before any request
  access_request  one subject access request (CLI -> engine), its result
  twin_export     one subject access request of the twin (same subject id, the other tenant), its result
  erasure_request one erasure request of the same subject, its result (after the access request: an export after
                  the erasure would be empty; the erasure deletes that export and must keep the twin's)

Markers (pytest.ini): a test that uses `mesh` is marked `slow` here (it needs the data plane); `-m "not slow"` runs
the rest in seconds, CI runs all. A test or module marked `destructive` changes the data others read (erasure, replay,
retention...): such tests run after all others, by `destructive(order=N)` (default 100), then in file order.
"""
from __future__ import annotations

import json
import time

import pytest

from plane import WORK, Plane

# When each test ran (epoch ms, setup to teardown), written to .local/pytest/timings.json at the end: bench/profile.py
# takes a module's window from it to say where the engine spent that module's time.
_TIMES: dict[str, list[float]] = {}


def pytest_runtest_logstart(nodeid: str, location) -> None:
    _TIMES[nodeid] = [time.time() * 1e3]


def pytest_runtest_logfinish(nodeid: str, location) -> None:
    _TIMES[nodeid].append(time.time() * 1e3)


def pytest_sessionfinish(session) -> None:
    WORK.mkdir(parents=True, exist_ok=True)
    (WORK / "timings.json").write_text(json.dumps({k: v for k, v in _TIMES.items() if len(v) == 2}, indent=1) + "\n")


def pytest_collection_modifyitems(items: list) -> None:
    for item in items:
        if "mesh" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)
    # Stable: the non-destructive tests keep their order, then the destructive ones by their `order` (default 100),
    # in file order within one.
    def rank(item) -> tuple[int, int]:
        m = item.get_closest_marker("destructive")
        return (0, 0) if m is None else (1, int(m.kwargs.get("order", 100)))

    items.sort(key=rank)


@pytest.fixture(scope="session")
def plane():
    """The offline plan of the dev stack and a Spark session; nothing running yet."""
    p = Plane()
    p.ensure_plan()
    yield p
    p.stop_spark()


@pytest.fixture(scope="session")
def mesh(plane):
    """The data plane after one pipeline run of the four test domains over fresh topics and sample events."""
    plane.setup()
    return plane


@pytest.fixture(scope="session")
def gdpr_before(mesh):
    import gdpr_fixtures

    return gdpr_fixtures.before(mesh)


@pytest.fixture(scope="session")
def access_request(mesh, gdpr_before):
    import gdpr_fixtures

    return gdpr_fixtures.access(mesh)


@pytest.fixture(scope="session")
def twin_export(mesh, gdpr_before):
    import gdpr_fixtures

    return gdpr_fixtures.twin_access(mesh)


@pytest.fixture(scope="session")
def erasure_request(mesh, gdpr_before, access_request, twin_export):
    import gdpr_fixtures

    return gdpr_fixtures.erasure(mesh)
