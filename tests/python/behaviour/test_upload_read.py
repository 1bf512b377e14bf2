"""Uploads of every body type and content type, and every way the module reads an object back."""

import datetime
import hashlib
import io
import json
import random
import re

from werkzeug.datastructures import FileStorage

from behaviour_store import BUCKET, TEXT_CONTENT_TYPE

ISO_SECONDS_UTC = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00")


def assert_recent(iso: str, started: datetime.datetime) -> None:
    """A LastModified as the module formats it: whole seconds, UTC, set during this test."""
    assert ISO_SECONDS_UTC.fullmatch(iso), iso
    stamp = datetime.datetime.fromisoformat(iso)
    assert started.replace(microsecond=0) <= stamp <= datetime.datetime.now(datetime.timezone.utc), (iso, started)


def now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


def md5(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


def test_text_upload_and_read(s3_utils):
    started = now()
    key = "user_data/alice/cs101/notes.txt"
    text = "Grüße aus Köln\nline 2\n"
    assert s3_utils.upload_file_to_s3(BUCKET, key, text) is True
    assert s3_utils.read_text_file_from_s3(BUCKET, key) == text
    assert s3_utils.read_binary_from_s3(BUCKET, key) == text.encode("utf-8")
    assert s3_utils.read_optional_file(BUCKET, key) == text.encode("utf-8")
    metadata = s3_utils.get_file_metadata(BUCKET, key)
    assert_recent(metadata.pop("last_modified"), started)
    assert metadata == {"size": 25, "content_type": TEXT_CONTENT_TYPE, "etag": md5(text.encode("utf-8"))}
    assert s3_utils.file_exists_in_s3(BUCKET, key) is True
    assert s3_utils.get_file_size(BUCKET, key) == 25
    assert s3_utils.upload_file_to_s3(BUCKET, "user_data/alice/cs101/notes.md", text) is True
    assert s3_utils.read_course_notes(BUCKET, "alice", "cs101") == text
    assert s3_utils.upload_file_to_s3(BUCKET, "user_data/alice/cs101/transcripts/l1.txt", text) is True
    assert s3_utils.read_lecture_transcript(BUCKET, "alice", "cs101", "l1") == text


def test_upload_overwrites(s3_utils):
    key = "user_data/alice/cs101/notes.txt"
    assert s3_utils.upload_file_to_s3(BUCKET, key, "first") is True
    assert s3_utils.upload_file_to_s3(BUCKET, key, "second") is True
    assert s3_utils.read_text_file_from_s3(BUCKET, key) == "second"
    assert s3_utils.upload_binary_to_s3(BUCKET, key, b"third") is True
    assert s3_utils.read_binary_from_s3(BUCKET, key) == b"third"


def test_binary_upload_and_read(s3_utils):
    key = "user_data/alice/cs101/table.bin"
    data = bytes(range(256)) * 4
    assert s3_utils.upload_binary_to_s3(BUCKET, key, data) is True
    assert s3_utils.read_binary_from_s3(BUCKET, key) == data
    assert s3_utils.get_file_metadata(BUCKET, key)["content_type"] == "application/octet-stream"
    assert s3_utils.upload_binary_to_s3(BUCKET, "user_data/alice/cs101/slide.png", b"\x89PNG\r\n", "image/png") is True
    assert s3_utils.get_file_metadata(BUCKET, "user_data/alice/cs101/slide.png")["content_type"] == "image/png"
    assert s3_utils.upload_binary_to_s3(BUCKET, "user_data/alice/cs101/banner.png", data, "image/png") is True
    assert s3_utils.read_course_banner(BUCKET, "alice", "cs101") == data


def test_binary_upload_of_a_str_parameter_stores_its_utf8(s3_utils):
    key = "user_data/alice/cs101/str-as-binary.txt"
    assert s3_utils.upload_binary_to_s3(BUCKET, key, "naïve text") is True
    assert s3_utils.read_binary_from_s3(BUCKET, key) == "naïve text".encode("utf-8")


def test_json_upload_and_read(s3_utils):
    key = "user_data/alice/cs101/outline.json"
    data = {"title": "Ünïcode für alle", "weeks": [1, 2, 3], "published": False}
    assert s3_utils.upload_json_to_s3(BUCKET, key, data) is True
    assert s3_utils.get_json_from_s3(BUCKET, key) == data
    assert s3_utils.read_text_file_from_s3(BUCKET, key) == json.dumps(data, indent=2, ensure_ascii=False)
    assert s3_utils.get_file_metadata(BUCKET, key)["content_type"] == "application/json"


def test_course_structure_round_trip(s3_utils):
    structure = {"outline": {"title": "Databases"}, "modules": [{"id": "m1"}]}
    assert s3_utils.save_course_structure("alice", "cs101.v2", structure) is True
    assert s3_utils.load_course_structure("alice", "cs101.v2") == structure
    assert s3_utils.read_binary_from_s3(BUCKET, "user_data/alice/cs101.v2/course.json") == json.dumps(
        structure, indent=2, ensure_ascii=False
    ).encode("utf-8")


def test_invalid_json_reads_as_none(s3_utils):
    key = "user_data/alice/cs101/broken.json"
    assert s3_utils.upload_file_to_s3(BUCKET, key, "{not json") is True
    assert s3_utils.get_json_from_s3(BUCKET, key) is None


def test_five_megabyte_faiss_index(s3_utils):
    started = now()
    blob = random.Random(8).randbytes(5 * 1024 * 1024)
    key = s3_utils.upload_faiss_index_to_s3(BUCKET, blob, "alice", "cs101.v2")
    assert key == "user_data/alice/cs101.v2/faiss/index.faiss"
    assert s3_utils.read_binary_from_s3(BUCKET, key) == blob
    assert s3_utils.get_file_size(BUCKET, key) == 5242880
    download = s3_utils.download_course_file(BUCKET, key)
    assert_recent(download.pop("last_modified"), started)
    assert download == {"body": blob, "content_type": "application/octet-stream", "metadata": {"course-id": "cs101.v2"}}


def test_get_object_fields_besides_the_body(s3_utils):
    started = now()
    key = "user_data/alice/cs101/outline.json"
    assert s3_utils.upload_json_to_s3(BUCKET, key, {"a": 1}) is True
    download = s3_utils.download_course_file(BUCKET, key)
    assert_recent(download.pop("last_modified"), started)
    assert download == {"body": b'{\n  "a": 1\n}', "content_type": "application/json", "metadata": {}}
    assert s3_utils.get_file_metadata(BUCKET, key)["last_modified"] == s3_utils.download_course_file(BUCKET, key)[
        "last_modified"
    ]


def test_append_to_log(s3_utils):
    key = s3_utils.get_chat_log_path("alice", "cs101", "s1")
    assert key == "user_data/alice/cs101/chats/s1.jsonl"
    assert s3_utils.append_to_log(BUCKET, key, '{"role": "user", "content": "hi"}\n') is True
    assert s3_utils.append_to_log(BUCKET, key, '{"role": "assistant", "content": "hello"}') is True
    assert s3_utils.read_text_file_from_s3(BUCKET, key) == (
        '{"role": "user", "content": "hi"}\n{"role": "assistant", "content": "hello"}\n'
    )
    assert s3_utils.read_chat_log(BUCKET, "alice", "cs101", "s1") == [
        {"role": "user", "content": "hi"},
        {"role": "assistant", "content": "hello"},
    ]


def test_json_read_through_loads_and_decode(s3_utils):
    quiz = {"questions": [{"q": "2+2?", "a": "4"}], "title": "Warm-up ✓"}
    assert s3_utils.upload_json_to_s3(BUCKET, "user_data/alice/cs101/quizzes/q1.json", quiz) is True
    assert s3_utils.load_quiz("alice", "cs101", "q1") == quiz
    answers = {"1": "4"}
    assert s3_utils.upload_json_to_s3(BUCKET, "user_data/alice/cs101/quizzes/q1.answers.json", answers) is True
    assert s3_utils.load_quiz_answers(BUCKET, "alice", "cs101", "q1") == answers


def test_course_alias_map_keeps_existing_entries(s3_utils):
    assert s3_utils.register_course_alias("alice", "db", "cs101.v2") is True
    assert s3_utils.register_course_alias("alice", "ml", "cs229") is True
    assert s3_utils.register_course_alias("alice", "db", "cs102") is True
    assert s3_utils.get_json_from_s3(BUCKET, "user_data/alice/aliases.json") == {"db": "cs102", "ml": "cs229"}


def test_str_body_built_in_the_function(s3_utils):
    key = s3_utils.write_course_readme("alice", "cs101.v2", "Datenbanken")
    assert key == "user_data/alice/cs101.v2/README.md"
    assert s3_utils.read_binary_from_s3(BUCKET, key) == "# Datenbanken\n\nCourse material for cs101.v2.\n".encode()
    assert s3_utils.get_file_metadata(BUCKET, key)["content_type"] == "text/markdown"


def test_werkzeug_file_storage_body(s3_utils):
    upload = FileStorage(io.BytesIO(b"%PDF-1.7 lecture"), filename="week1.pdf", content_type="application/pdf")
    key = s3_utils.save_uploaded_file("alice", "cs101", upload)
    assert key == "user_data/alice/cs101/uploads/week1.pdf"
    assert s3_utils.read_binary_from_s3(BUCKET, key) == b"%PDF-1.7 lecture"
    assert s3_utils.get_file_metadata(BUCKET, key)["content_type"] == "application/pdf"


def test_bytesio_body_built_in_the_function(s3_utils):
    for line in ('{"role": "user", "content": "a"}', '{"role": "assistant", "content": "b"}'):
        assert s3_utils.append_to_log(BUCKET, s3_utils.get_chat_log_path("alice", "cs101", "s1"), line) is True
    assert s3_utils.append_to_log(BUCKET, s3_utils.get_chat_log_path("alice", "cs101", "s2"), '{"x": 1}') is True
    key = s3_utils.export_chat_history(BUCKET, "alice", "cs101", ["s1", "s2", "s3"])
    assert key == "user_data/alice/cs101/exports/chats.jsonl"
    assert s3_utils.read_binary_from_s3(BUCKET, key) == (
        b'{"content": "a", "role": "user"}\n{"content": "b", "role": "assistant"}\n{"x": 1}\n'
    )
    assert s3_utils.get_file_metadata(BUCKET, key)["content_type"] == "application/x-ndjson"


def test_open_file_body(s3_utils, tmp_path):
    local = tmp_path / "handout.pdf"
    local.write_bytes(b"%PDF-1.4 handout\x00\xff")
    assert s3_utils.upload_pdf_from_disk(BUCKET, str(local), "user_data/alice/cs101/handout.pdf") == (
        "user_data/alice/cs101/handout.pdf"
    )
    assert s3_utils.read_binary_from_s3(BUCKET, "user_data/alice/cs101/handout.pdf") == b"%PDF-1.4 handout\x00\xff"
    assert s3_utils.get_file_metadata(BUCKET, "user_data/alice/cs101/handout.pdf")["content_type"] == "application/pdf"


def test_body_parameter_of_every_type(s3_utils, tmp_path):
    local = tmp_path / "data.csv"
    local.write_bytes(b"a,b\n1,2\n")
    with open(local, "rb") as handle:
        bodies = {
            "bytes": b"raw bytes",
            "bytearray": bytearray(b"a bytearray"),
            "str": "ein Text",
            "bytesio": io.BytesIO(b"from BytesIO"),
            "file": handle,
        }
        for name, body in bodies.items():
            assert s3_utils.save_generated_file(BUCKET, f"gen/{name}", body, "text/csv") == f"gen/{name}"
    stored = {name: s3_utils.read_binary_from_s3(BUCKET, f"gen/{name}") for name in bodies}
    assert stored == {
        "bytes": b"raw bytes",
        "bytearray": b"a bytearray",
        "str": "ein Text".encode("utf-8"),
        "bytesio": b"from BytesIO",
        "file": b"a,b\n1,2\n",
    }
    assert {s3_utils.get_file_metadata(BUCKET, f"gen/{name}")["content_type"] for name in bodies} == {"text/csv"}


def test_cache_control(s3_utils):
    assert s3_utils.upload_course_image(BUCKET, "user_data/alice/cs101/cover.png", b"\x89PNG cover") == (
        "user_data/alice/cs101/cover.png"
    )
    assert s3_utils.get_cache_control(BUCKET, "user_data/alice/cs101/cover.png") == "max-age=86400"
    assert s3_utils.get_file_metadata(BUCKET, "user_data/alice/cs101/cover.png")["content_type"] == "image/png"


def test_no_content_type_stores_binary_octet_stream(s3_utils):
    assert s3_utils.save_raw_export(BUCKET, "exports/raw.dat", b"\x00\x01\x02") == "exports/raw.dat"
    assert s3_utils.read_binary_from_s3(BUCKET, "exports/raw.dat") == b"\x00\x01\x02"
    assert s3_utils.get_file_metadata(BUCKET, "exports/raw.dat")["content_type"] == "binary/octet-stream"


def test_resource_put_and_get(s3_utils):
    assert s3_utils.put_with_resource(BUCKET, "res/page.html", b"<p>hi</p>", "text/html") == "res/page.html"
    assert s3_utils.read_with_resource(BUCKET, "res/page.html") == b"<p>hi</p>"
    assert s3_utils.get_file_metadata(BUCKET, "res/page.html")["content_type"] == "text/html"


def test_resource_object_put_overwrites_and_delete_removes(s3_utils):
    key = "res/Notes/a b.txt"
    assert s3_utils.put_text_with_resource_object(BUCKET, key, "first") == key
    assert s3_utils.put_text_with_resource_object(BUCKET, key, "Grüße") == key
    assert s3_utils.read_with_resource(BUCKET, key) == "Grüße".encode("utf-8")
    assert s3_utils.get_file_metadata(BUCKET, key)["content_type"] == "text/plain"
    s3_utils.put_text_with_resource_object(BUCKET, "res/notes/kept.txt", "kept")
    s3_utils.delete_with_resource_object(BUCKET, key)
    # Deleting a key that is not there succeeds, as on S3.
    s3_utils.delete_with_resource_object(BUCKET, key)
    assert s3_utils.list_objects_in_folder(BUCKET, "res/") == ["res/notes/kept.txt"]
