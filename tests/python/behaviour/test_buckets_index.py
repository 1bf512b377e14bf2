"""Bucket calls, the storage health check, and load_and_process_index through the storage module."""

import pytest

from behaviour_store import ADMIN, ARCHIVE_BUCKET, BUCKET, MISSING_BUCKET, StandInIndex

MADE_BUCKET = "behaviour-made-bucket"


@pytest.fixture()
def made_bucket():
    """A bucket name the test may create; removed again afterwards."""
    yield MADE_BUCKET
    if ADMIN.exists(MADE_BUCKET):
        ADMIN.delete_bucket(MADE_BUCKET)


def test_bucket_lifecycle(s3_utils, made_bucket):
    assert s3_utils.ensure_bucket(made_bucket) is True
    assert s3_utils.ensure_bucket(made_bucket) is False
    ours = {BUCKET, ARCHIVE_BUCKET, made_bucket, MISSING_BUCKET}
    assert sorted(name for name in s3_utils.list_bucket_names() if name in ours) == sorted(
        [BUCKET, ARCHIVE_BUCKET, made_bucket]
    )
    assert s3_utils.upload_file_to_s3(made_bucket, "a.txt", "a") is True
    assert s3_utils.delete_empty_bucket(made_bucket) is False
    assert s3_utils.delete_file_from_s3(made_bucket, "a.txt") is True
    assert s3_utils.delete_empty_bucket(made_bucket) is True
    assert s3_utils.delete_empty_bucket(made_bucket) is False
    assert made_bucket not in s3_utils.list_bucket_names()


def test_storage_health(s3_utils):
    assert s3_utils.get_storage_health() == {"ok": True, "bucket": BUCKET}


def test_load_index_from_storage(s3_utils, index_module):
    assert index_module.load_index_from_s3("alice", "cs101.v2") == (None, [])
    chunks = [{"text": "first chunk"}, {"text": "zweiter Abschnitt"}]
    assert s3_utils.upload_json_to_s3(BUCKET, "user_data/alice/cs101.v2/faiss/chunks.json", chunks) is True
    assert index_module.load_index_from_s3("alice", "cs101.v2") == (None, [])
    key = s3_utils.upload_faiss_index_to_s3(BUCKET, b"IDX\x00\x01\x02", "alice", "cs101.v2")
    assert key == "user_data/alice/cs101.v2/faiss/index.faiss"
    assert index_module.load_index_from_s3("alice", "cs101.v2") == (StandInIndex(b"IDX\x00\x01\x02"), chunks)
    # The listing is by prefix: another course's index is not this course's.
    assert s3_utils.upload_faiss_index_to_s3(BUCKET, b"OTHER", "alice", "cs101") is not None
    assert index_module.load_index_from_s3("alice", "cs101") == (StandInIndex(b"OTHER"), [])
    assert s3_utils.delete_file_from_s3(BUCKET, "user_data/alice/cs101.v2/faiss/chunks.json") is True
    assert index_module.load_index_from_s3("alice", "cs101.v2") == (StandInIndex(b"IDX\x00\x01\x02"), [])
