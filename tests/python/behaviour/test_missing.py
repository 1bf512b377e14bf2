"""Every missing-key and missing-bucket path returns (or raises) exactly what the original does.

A missing key and a missing bucket are different answers on S3 (`NoSuchKey` vs
`NoSuchBucket`; `head_object` and `download_file` say `"404"` for both). A
handler that only means "missing key" must keep raising for a missing bucket:
otherwise a failure reads as "not there yet" and, in register_course_alias, the
alias map is overwritten with one entry.
"""

import io

import pytest

from behaviour_store import BUCKET, MISSING_BUCKET, MISSING_BUCKET_CODE, error_status, storage_error, upload_error

MISSING = "user_data/alice/cs101/missing.txt"


def test_missing_key_reads(s3_utils, tmp_path):
    assert s3_utils.read_text_file_from_s3(BUCKET, MISSING) is None
    assert s3_utils.read_binary_from_s3(BUCKET, MISSING) is None
    assert s3_utils.read_optional_file(BUCKET, MISSING) is None
    assert s3_utils.read_course_banner(BUCKET, "alice", "cs101") is None
    assert s3_utils.read_lecture_transcript(BUCKET, "alice", "cs101", "nope") is None
    assert s3_utils.get_json_from_s3(BUCKET, MISSING) is None
    assert s3_utils.load_course_structure("alice", "cs101") is None
    assert s3_utils.file_exists_in_s3(BUCKET, MISSING) is False
    assert s3_utils.get_file_metadata(BUCKET, MISSING) is None
    assert s3_utils.get_file_size(BUCKET, MISSING) == 0
    assert s3_utils.load_quiz("alice", "cs101", "nope") is None
    assert s3_utils.load_quiz_answers(BUCKET, "alice", "cs101", "nope") == {}
    assert s3_utils.read_chat_log(BUCKET, "alice", "cs101", "nope") == []
    assert s3_utils.read_course_notes(BUCKET, "alice", "cs101") == ""
    target = tmp_path / "sub" / "missing.txt"
    assert s3_utils.download_file_from_s3(BUCKET, MISSING, str(target)) is False
    assert not target.exists()
    assert s3_utils.download_faiss_index_from_s3(BUCKET, "alice", "cs101", str(tmp_path)) is None
    assert not (tmp_path / "index.faiss").exists()
    sink = io.BytesIO()
    assert s3_utils.download_to_stream(BUCKET, MISSING, sink) is False
    assert sink.getvalue() == b""
    assert s3_utils.copy_file_in_s3(BUCKET, MISSING, "user_data/alice/cs101/copy.txt") is False
    assert s3_utils.move_file_in_s3(BUCKET, MISSING, "user_data/alice/cs101/moved.txt") is False
    assert s3_utils.list_objects_in_folder(BUCKET, "user_data/alice/") == []


def test_missing_key_raises_where_the_original_raises(s3_utils, tmp_path):
    with pytest.raises(storage_error()) as raised:
        s3_utils.require_file(BUCKET, MISSING)
    assert error_status(raised.value) == "404"
    with pytest.raises(storage_error()) as raised:
        s3_utils.get_cache_control(BUCKET, MISSING)
    assert error_status(raised.value) == "404"
    with pytest.raises(storage_error()) as raised:
        s3_utils.download_with_resource(BUCKET, MISSING, str(tmp_path / "x"))
    assert error_status(raised.value) == "404"
    assert not (tmp_path / "x").exists()
    with pytest.raises(storage_error()):
        s3_utils.download_course_file(BUCKET, MISSING)
    with pytest.raises(storage_error()):
        s3_utils.read_with_resource(BUCKET, MISSING)


def test_require_file_passes_an_existing_key_through(s3_utils):
    assert s3_utils.upload_file_to_s3(BUCKET, "user_data/alice/cs101/here.txt", "here") is True
    assert s3_utils.require_file(BUCKET, "user_data/alice/cs101/here.txt") == "user_data/alice/cs101/here.txt"


def test_missing_key_writes_create_it(s3_utils):
    assert s3_utils.append_to_log(BUCKET, "logs/new.log", "first") is True
    assert s3_utils.read_text_file_from_s3(BUCKET, "logs/new.log") == "first\n"
    assert s3_utils.register_course_alias("bob", "db", "cs101.v2") is True
    assert s3_utils.get_json_from_s3(BUCKET, "user_data/bob/aliases.json") == {"db": "cs101.v2"}


def test_missing_bucket_reads_and_checks(s3_utils, tmp_path):
    assert s3_utils.read_text_file_from_s3(MISSING_BUCKET, MISSING) is None
    assert s3_utils.read_binary_from_s3(MISSING_BUCKET, MISSING) is None
    assert s3_utils.read_optional_file(MISSING_BUCKET, MISSING) is None
    assert s3_utils.read_course_banner(MISSING_BUCKET, "alice", "cs101") is None
    assert s3_utils.read_lecture_transcript(MISSING_BUCKET, "alice", "cs101", "l1") is None
    assert s3_utils.get_json_from_s3(MISSING_BUCKET, MISSING) is None
    # head_object answers a bare 404 for a missing bucket too.
    assert s3_utils.file_exists_in_s3(MISSING_BUCKET, MISSING) is False
    assert s3_utils.get_file_metadata(MISSING_BUCKET, MISSING) is None
    assert s3_utils.download_file_from_s3(MISSING_BUCKET, MISSING, str(tmp_path / "x")) is False
    assert s3_utils.download_to_stream(MISSING_BUCKET, MISSING, io.BytesIO()) is False
    assert s3_utils.check_and_create_user_folder(MISSING_BUCKET, "alice") is False


def test_missing_bucket_is_not_a_missing_key(s3_utils):
    with pytest.raises(storage_error()):
        s3_utils.read_chat_log(MISSING_BUCKET, "alice", "cs101", "s1")
    with pytest.raises(storage_error()):
        s3_utils.read_course_notes(MISSING_BUCKET, "alice", "cs101")
    with pytest.raises(storage_error()):
        s3_utils.load_quiz_answers(MISSING_BUCKET, "alice", "cs101", "q1")
    with pytest.raises(storage_error()):
        s3_utils.append_to_log(MISSING_BUCKET, "logs/x.log", "line")
    with pytest.raises(storage_error()):
        s3_utils.list_objects_in_folder(MISSING_BUCKET, "user_data/")
    with pytest.raises(storage_error()):
        s3_utils.get_folder_size(MISSING_BUCKET, "user_data/")
    with pytest.raises(storage_error()):
        s3_utils.delete_files_from_s3(MISSING_BUCKET, ["a.txt"])
    with pytest.raises(storage_error()):
        s3_utils.list_keys_with_resource(MISSING_BUCKET, "")
    with pytest.raises(storage_error()):
        s3_utils.list_folder_names(MISSING_BUCKET, "user_data/")
    with pytest.raises(storage_error()):
        s3_utils.list_course_file_names(MISSING_BUCKET, "alice", "cs101")


def test_missing_bucket_writes_and_deletes_fail(s3_utils, tmp_path):
    assert s3_utils.upload_file_to_s3(MISSING_BUCKET, "a.txt", "x") is False
    assert s3_utils.upload_binary_to_s3(MISSING_BUCKET, "a.bin", b"x") is False
    assert s3_utils.upload_json_to_s3(MISSING_BUCKET, "a.json", {}) is False
    assert s3_utils.upload_stream_to_s3(MISSING_BUCKET, "a.txt", io.BytesIO(b"x")) is False
    assert s3_utils.delete_file_from_s3(MISSING_BUCKET, "a.txt") is False
    assert s3_utils.delete_folder_from_s3(MISSING_BUCKET, "user_data/") is False
    assert s3_utils.copy_file_in_s3(MISSING_BUCKET, "a.txt", "b.txt") is False
    assert s3_utils.delete_empty_bucket(MISSING_BUCKET) is False
    with pytest.raises(storage_error()):
        s3_utils.put_text_with_resource_object(MISSING_BUCKET, "a.txt", "x")
    with pytest.raises(storage_error()):
        s3_utils.delete_with_resource_object(MISSING_BUCKET, "a.txt")


def test_upload_file_failures_escape_the_client_error_handlers(s3_utils, tmp_path):
    # boto3's upload_file wraps a service error in S3UploadFailedError, which is not a
    # ClientError: the `except ClientError` around it never runs, the error escapes.
    local = tmp_path / "a.txt"
    local.write_text("x")
    with pytest.raises(upload_error()):
        s3_utils.upload_local_file_to_s3(MISSING_BUCKET, str(local), "a.txt")
    with pytest.raises(upload_error()):
        s3_utils.upload_directory_to_s3(MISSING_BUCKET, str(tmp_path), "dir/")


def test_alias_map_is_not_overwritten_when_the_read_fails(s3_utils, drop_main_bucket):
    with pytest.raises(storage_error()):
        s3_utils.register_course_alias("alice", "db", "cs101")


def test_main_bucket_gone(s3_utils, drop_main_bucket):
    assert s3_utils.get_storage_health() == {"ok": False, "bucket": BUCKET, "error": MISSING_BUCKET_CODE}
    assert s3_utils.list_user_course_ids("alice") == []
    assert s3_utils.save_course_structure("alice", "cs101", {"a": 1}) is False
    assert s3_utils.load_course_structure("alice", "cs101") is None
    with pytest.raises(storage_error()):
        s3_utils.create_course_folder("alice", "cs101")
    with pytest.raises(storage_error()):
        s3_utils.course_has_files("alice", "cs101")
    with pytest.raises(storage_error()):
        s3_utils.list_user_files("alice", "cs101")
    with pytest.raises(storage_error()):
        s3_utils.load_quiz("alice", "cs101", "q1")
    with pytest.raises(storage_error()):
        s3_utils.archive_course("alice", "cs101")
