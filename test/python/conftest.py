import pytest

from plane import Plane


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
