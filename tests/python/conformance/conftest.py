"""Fixtures of the conformance suite, run by tests/live/conformance.rs.

Environment (set by the Rust side): SUPABASE_URL (the shared proxy), SUPABASE_SERVICE_ROLE_KEY,
SUPABASE_ANON_KEY, STORAGE_DIRECT_URL, CONFORMANCE_BUCKET (a fresh private bucket for this
file) and, for some files, FAULTY_URL_* (proxies with a fault plan).
"""

import os
import uuid

import httpx
import pytest
from supabase import create_client


def env(name):
    value = os.environ.get(name)
    if not value:
        raise RuntimeError(f"{name} is not set: run this suite through `cargo test --release --test live`")
    return value


@pytest.fixture(scope="session")
def url():
    return env("SUPABASE_URL")


@pytest.fixture(scope="session")
def service_key():
    return env("SUPABASE_SERVICE_ROLE_KEY")


@pytest.fixture(scope="session")
def storage(url, service_key):
    return create_client(url, service_key).storage


@pytest.fixture(scope="session")
def bucket_name():
    return env("CONFORMANCE_BUCKET")


@pytest.fixture()
def bucket(storage, bucket_name):
    return storage.from_(bucket_name)


@pytest.fixture()
def folder():
    """A folder of its own for each test, so tests in one bucket never see each other."""
    return "t-" + uuid.uuid4().hex[:12]


def auth_headers(key):
    return {"Authorization": f"Bearer {key}", "apikey": key}


@pytest.fixture()
def http(url, service_key):
    """Raw requests through the shared proxy: paths under /storage/v1."""
    with httpx.Client(base_url=url + "/storage/v1", headers=auth_headers(service_key), timeout=60) as client:
        yield client
