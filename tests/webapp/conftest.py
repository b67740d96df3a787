"""Fixtures of the web app tests (the flaskr pattern: ``app`` and ``client``).

``app``/``client`` run against a real Whoosh index built once per session
from ``seeds/`` and ``tests/fixtures/webapp/``. ``fake_app``/``fake_client``
use :class:`web_helpers.FakeService` for cases a real index cannot produce.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
# pytest puts ``tests/`` on sys.path (for tests/conftest.py), where this very
# directory would pass for a namespace package called ``webapp`` and shadow
# the real one, which the editable install only offers after the path scan.
# With the repository first, the real (regular) package always wins.
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import pytest  # noqa: E402
from flask import Flask  # noqa: E402
from flask.testing import FlaskClient  # noqa: E402
from web_helpers import FakeService  # noqa: E402

from webapp import create_app  # noqa: E402
from webapp.backend import close_service  # noqa: E402


@pytest.fixture
def fake_service() -> FakeService:
    return FakeService()


@pytest.fixture
def fake_app(fake_service: FakeService) -> Iterator[Flask]:
    app = create_app({"SEARCH_SERVICE_FACTORY": lambda index_dir: fake_service})
    yield app
    close_service(app)


@pytest.fixture
def fake_client(fake_app: Flask) -> FlaskClient:
    return fake_app.test_client()


SEEDS = REPO / "seeds"
FIXTURES = REPO / "tests" / "fixtures" / "webapp"


@pytest.fixture(scope="session")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A real index of ``seeds/`` and the web fixtures, built once per session."""
    from indexer.pipeline import index_paths

    directory = tmp_path_factory.mktemp("webapp-index") / "index"
    index_paths([str(SEEDS), str(FIXTURES)], str(directory))
    return str(directory)


@pytest.fixture(scope="session")
def app(index_dir: str) -> Iterator[Flask]:
    """The app on the real index; one per session (opening an index is not free)."""
    app = create_app({"INDEX_DIR": index_dir})
    yield app
    close_service(app)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()
