"""Storage callers outside the storage module: the resource purge of the course routes and
the chat context manager, which used boto3 clients of their own."""

import importlib

import pytest

from behaviour_store import BUCKET, upload_many


@pytest.fixture(scope="module")
def delete_course_routes(s3_utils):
    return importlib.import_module("routes.delete_course_routes")


@pytest.fixture(scope="module")
def context_manager(s3_utils):
    return importlib.import_module("s3_context_manager").S3ContextManager


def test_resource_purge_deletes_each_listed_object(s3_utils, delete_course_routes):
    keys = [f"user_data/bob/cs200/part{i:03d}.txt" for i in range(120)]
    neighbours = ["user_data/bob/cs2000/keep.txt", "user_data/bob/profile.json"]
    upload_many(s3_utils.upload_binary_to_s3, [(BUCKET, key, b"part") for key in keys + neighbours])
    # More than one Supabase page (100), deleted while it is listed.
    assert delete_course_routes._purge_with_resource("user_data/bob/cs200/") == 120
    assert s3_utils.list_objects_in_folder(BUCKET, "user_data/bob/") == neighbours
    # A prefix ending mid-name takes the folders that start with it.
    assert delete_course_routes._purge_with_resource("user_data/bob/cs2") == 1
    assert s3_utils.list_objects_in_folder(BUCKET, "user_data/bob/") == ["user_data/bob/profile.json"]
    assert delete_course_routes._purge_with_resource("user_data/nobody/") == 0


def test_context_sessions_are_saved_listed_and_cleared(s3_utils, context_manager):
    for session in ("s2", "s1", "s3"):
        with context_manager("carol", "cs101", session) as context:
            # A session never saved loads as empty.
            assert context.messages == []
            context.append("user", f"hello from {session}")
    with context_manager("carol", "cs101", "s1") as context:
        assert context.messages == [{"role": "user", "content": "hello from s1"}]
    beside = "user_data/carol/cs101/contexts/old.json"
    assert s3_utils.upload_file_to_s3(BUCKET, beside, "{}") is True
    manager = context_manager("carol", "cs101", session_id="")
    assert manager.list_sessions() == ["s1", "s2", "s3"]
    assert s3_utils.read_text_file_from_s3(BUCKET, "user_data/carol/cs101/context/s2.json") == '[{"role": "user", "content": "hello from s2"}]'
    assert manager.clear_all_sessions() == 3
    assert manager.list_sessions() == []
    # Nothing to clear: no request S3 would have accepted and Supabase refuses.
    assert manager.clear_all_sessions() == 0
    assert s3_utils.list_objects_in_folder(BUCKET, "user_data/carol/") == [beside]


def test_settings_caller_reads_and_falls_back_on_a_missing_key(s3_utils):
    # routes/settings_routes.py catches the missing-key error of a storage-module
    # function: ClientError "NoSuchKey" on S3, StorageApiError 404/not_found once migrated.
    settings_routes = importlib.import_module("routes.settings_routes")
    assert settings_routes.load_settings("dora") == settings_routes.DEFAULTS
    s3_utils.upload_binary_to_s3(BUCKET, "user_data/dora/settings.json", b'{"theme": "dark"}')
    assert settings_routes.load_settings("dora") == b'{"theme": "dark"}'
