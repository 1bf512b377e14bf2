"""The behaviour suite's store: which backend it talks to, a clean bucket per test, the dumps.

The suite calls the fixture backend's storage module (``utils.s3_utils``),
``utils.load_and_process_index`` and the callers that had boto3 clients of their own
(``routes.delete_course_routes``, ``s3_context_manager``) through their functions only. It runs
unchanged against

* the original fixture, whose boto3 client goes to moto in server mode
  (``BEHAVIOUR_STORE=s3``; boto3 honours ``AWS_ENDPOINT_URL``), and
* the migrated fixture, whose supabase-py client goes to a Supabase Storage server
  (``BEHAVIOUR_STORE=supabase``; ``SUPABASE_URL``, ``SUPABASE_SERVICE_ROLE_KEY``,
  ``SUPABASE_BUCKET_NAME``).

Environment (a missing variable stops the run with one line naming it):

    BEHAVIOUR_BACKEND_DIR  the backend root, the directory that holds ``utils/``
    BEHAVIOUR_STORE        ``s3`` or ``supabase``: what the suite's own admin client
                           (bucket reset and dumps, never the code under test) talks to
    BEHAVIOUR_DUMP_DIR     where each test's stored objects are written
    BEHAVIOUR_BUCKET       the main bucket (default ``anantra-lms-store``); the storage
                           module's ``S3_BUCKET_NAME`` must equal it

Before each test both buckets the backend uses (the main bucket and
``anantra-lms-archive``, which ``archive_course`` names literally and the migrated
code reads as ``SUPABASE_ARCHIVE_BUCKET``, unset here, so its default) exist and are
empty. After each test, pass or fail, every stored object except S3 folder
placeholders (keys ending in ``/``, which Supabase cannot hold) is written to
``BEHAVIOUR_DUMP_DIR/<test name>.jsonl``, one JSON object per line, sorted:
``{"bucket": ..., "key": ..., "base64": ...}``, or ``{"bucket": ..., "absent": true}``
for a bucket the test deleted. The two runs' dumps must be byte-identical.

``load_and_process_index.py`` imports ``faiss`` and ``numpy``, which the pinned venv
does not hold: ``index_standins`` puts small stand-ins for them into ``sys.modules``
(documented there). Nothing else is replaced.
"""

from __future__ import annotations

import base64
import concurrent.futures
import json
import os
import sys
import time
from pathlib import Path

import pytest

ARCHIVE_BUCKET = "anantra-lms-archive"
# A bucket no test creates.
MISSING_BUCKET = "behaviour-no-such-bucket"
STORES = ("s3", "supabase")


def _required(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise pytest.UsageError(f"behaviour suite: environment variable {name} is not set (see tests/python/behaviour/behaviour_store.py)")
    return value


STORE = _required("BEHAVIOUR_STORE")
if STORE not in STORES:
    raise pytest.UsageError(f"behaviour suite: BEHAVIOUR_STORE must be one of {STORES}, not {STORE!r}")
BACKEND_DIR = Path(_required("BEHAVIOUR_BACKEND_DIR")).resolve()
DUMP_DIR = Path(_required("BEHAVIOUR_DUMP_DIR")).resolve()
BUCKET = os.environ.get("BEHAVIOUR_BUCKET", "anantra-lms-store")
if STORE == "s3":
    _required("AWS_ENDPOINT_URL")
else:
    _required("SUPABASE_URL")
    _required("SUPABASE_SERVICE_ROLE_KEY")
    if os.environ.get("SUPABASE_BUCKET_NAME") != BUCKET:
        raise pytest.UsageError(f"behaviour suite: SUPABASE_BUCKET_NAME must be {BUCKET!r} (BEHAVIOUR_BUCKET)")
if not (BACKEND_DIR / "utils" / "s3_utils.py").is_file():
    raise pytest.UsageError(f"behaviour suite: {BACKEND_DIR}/utils/s3_utils.py does not exist (BEHAVIOUR_BACKEND_DIR)")

# Timestamps are compared as the module formats them (`.isoformat()`); moto's
# listing dates carry the local zone, so the local zone is UTC.
os.environ["TZ"] = "UTC"
time.tzset()
# The region the original module and the admin client create buckets in.
os.environ.setdefault("AWS_REGION", "ap-south-1")
REGION = os.environ["AWS_REGION"]
sys.path.insert(0, str(BACKEND_DIR))


# ---------------------------------------------------------------------------
# What differs between the two runs by design (TRANSLATION.md, "residual")
# ---------------------------------------------------------------------------

def storage_error() -> type[Exception]:
    """The exception the module raises for a storage failure it does not handle."""
    if STORE == "s3":
        from botocore.exceptions import ClientError

        return ClientError
    from storage3.exceptions import StorageApiError

    return StorageApiError


def upload_error() -> type[Exception]:
    """What upload_file's failures raise: boto3 wraps a ClientError in S3UploadFailedError."""
    if STORE == "s3":
        from boto3.exceptions import S3UploadFailedError

        return S3UploadFailedError
    return storage_error()


def error_status(error: Exception) -> str:
    """The status the module's own handlers read: S3's error code, Supabase's status."""
    if STORE == "s3":
        return error.response["Error"]["Code"]
    return str(error.status)


# S3 keeps a content type's parameters; supabase-py uploads multipart, and the
# server stores the part's type without them.
TEXT_CONTENT_TYPE = {"s3": "text/plain; charset=utf-8", "supabase": "text/plain"}[STORE]
# The error code get_storage_health reports for a missing bucket (S3's code vs
# the Supabase server's `error` field).
MISSING_BUCKET_CODE = {"s3": "NoSuchBucket", "supabase": "Bucket not found"}[STORE]


# ---------------------------------------------------------------------------
# The suite's own admin client: bucket reset and dumps
# ---------------------------------------------------------------------------

class S3Admin:
    def __init__(self) -> None:
        import boto3

        self.client = boto3.client("s3", region_name=REGION)

    def exists(self, bucket: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_bucket(Bucket=bucket)
            return True
        except ClientError as e:
            if e.response["Error"]["Code"] == "404":
                return False
            raise

    def create(self, bucket: str) -> None:
        self.client.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})

    def delete_bucket(self, bucket: str) -> None:
        self.empty(bucket)
        self.client.delete_bucket(Bucket=bucket)

    def keys(self, bucket: str) -> list[str]:
        keys = []
        for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
            keys.extend(obj["Key"] for obj in page.get("Contents", []))
        return keys

    def read(self, bucket: str, key: str) -> bytes:
        return self.client.get_object(Bucket=bucket, Key=key)["Body"].read()

    def empty(self, bucket: str) -> None:
        keys = self.keys(bucket)
        for start in range(0, len(keys), 1000):
            batch = [{"Key": key} for key in keys[start:start + 1000]]
            self.client.delete_objects(Bucket=bucket, Delete={"Objects": batch, "Quiet": True})


class SupabaseAdmin:
    def __init__(self) -> None:
        from supabase import create_client

        self.storage = create_client(os.environ["SUPABASE_URL"], os.environ["SUPABASE_SERVICE_ROLE_KEY"]).storage

    def exists(self, bucket: str) -> bool:
        from storage3.exceptions import StorageApiError

        try:
            self.storage.get_bucket(bucket)
            return True
        except StorageApiError as e:
            if str(e.status) == "404":
                return False
            raise

    def create(self, bucket: str) -> None:
        self.storage.create_bucket(bucket)

    def delete_bucket(self, bucket: str) -> None:
        self.empty(bucket)
        self.storage.delete_bucket(bucket)

    def keys(self, bucket: str) -> list[str]:
        keys, options = [], {"prefix": "", "limit": 1000}
        while True:
            page = self.storage.from_(bucket).list_v2(options)
            keys.extend(obj.name for obj in page.objects)
            if not page.hasNext:
                return keys
            options["cursor"] = page.nextCursor

    def read(self, bucket: str, key: str) -> bytes:
        return self.storage.from_(bucket).download(key)

    def empty(self, bucket: str) -> None:
        keys = self.keys(bucket)
        for start in range(0, len(keys), 1000):
            self.storage.from_(bucket).remove(keys[start:start + 1000])


ADMIN = S3Admin() if STORE == "s3" else SupabaseAdmin()


def reset_bucket(bucket: str) -> None:
    if ADMIN.exists(bucket):
        ADMIN.empty(bucket)
    else:
        ADMIN.create(bucket)


def dump(path: Path) -> None:
    lines = []
    for bucket in sorted((BUCKET, ARCHIVE_BUCKET)):
        if not ADMIN.exists(bucket):
            lines.append(json.dumps({"bucket": bucket, "absent": True}))
            continue
        keys = sorted(key for key in ADMIN.keys(bucket) if not key.endswith("/"))
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            bodies = list(pool.map(lambda key: ADMIN.read(bucket, key), keys))
        for key, body in zip(keys, bodies):
            lines.append(json.dumps({"bucket": bucket, "key": key, "base64": base64.b64encode(body).decode()}))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")


# ---------------------------------------------------------------------------
# Stand-ins for load_and_process_index's faiss and numpy
# ---------------------------------------------------------------------------

class StandInIndex:
    """What the faiss stand-in's read_index returns: the bytes it was read from."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def __eq__(self, other: object) -> bool:
        return isinstance(other, StandInIndex) and other.data == self.data

    def __repr__(self) -> str:
        return f"StandInIndex({self.data!r})"


def upload_many(function, calls, workers: int = 8) -> list:
    """Runs function(*args) for every args in calls on a few threads; returns the results in order."""
    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        return list(pool.map(lambda args: function(*args), calls))
