"""Fixtures of the behaviour suite; the store they manage is described in behaviour_store.py."""

from __future__ import annotations

import importlib
import re
import sys
import types
from pathlib import Path

import pytest

from behaviour_store import ADMIN, ARCHIVE_BUCKET, BUCKET, DUMP_DIR, StandInIndex, dump, reset_bucket


@pytest.fixture(autouse=True)
def clean_store(request):
    """Both buckets exist and are empty before the test; the test's objects are dumped after it."""
    for bucket in (BUCKET, ARCHIVE_BUCKET):
        reset_bucket(bucket)
    yield
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid.split("::", 1)[-1])
    module = Path(request.node.path).stem
    dump(DUMP_DIR / f"{module}.{name}.jsonl")


@pytest.fixture(scope="session")
def s3_utils():
    module = importlib.import_module("utils.s3_utils")
    if module.S3_BUCKET_NAME != BUCKET:
        pytest.exit(f"behaviour suite: the storage module's bucket is {module.S3_BUCKET_NAME!r}, not {BUCKET!r}")
    return module


@pytest.fixture()
def drop_main_bucket():
    """Deletes the main bucket for this test (clean_store recreates it for the next one)."""
    ADMIN.delete_bucket(BUCKET)


@pytest.fixture(scope="session")
def index_module():
    """utils.load_and_process_index with stand-ins for faiss and numpy.

    faiss: ``read_index(path)`` returns a ``StandInIndex`` holding the file's bytes,
    so a test sees exactly what load_index_from_s3 downloaded and wrote to its
    temporary file. numpy: an empty module (only imported; the functions that use
    it are not under test). Neither package touches storage.
    """
    faiss = types.ModuleType("faiss")
    faiss.read_index = lambda path: StandInIndex(Path(path).read_bytes())
    numpy = types.ModuleType("numpy")
    saved = {name: sys.modules.get(name) for name in ("faiss", "numpy")}
    sys.modules.update(faiss=faiss, numpy=numpy)
    try:
        yield importlib.import_module("utils.load_and_process_index")
    finally:
        for name, module in saved.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module
