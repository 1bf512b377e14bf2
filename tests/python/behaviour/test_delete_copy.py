"""Deletes of a file, a folder and a key list; copies, moves and the archive across buckets."""

from behaviour_store import ARCHIVE_BUCKET, BUCKET, upload_many

COURSE_KEYS = [
    "user_data/alice/cs101/course.json",
    "user_data/alice/cs101/faiss/index.faiss",
    "user_data/alice/cs101/uploads/week1/slides.pdf",
]
NEIGHBOURS = [
    "user_data/Alice/cs101/other-user.txt",
    "user_data/alice/CS101/shouting.txt",
    "user_data/alice/cs1010/neighbour.txt",
    "user_data/alice/profile.json",
]


def store(s3_utils, keys, bucket=BUCKET):
    for key in keys:
        assert s3_utils.upload_file_to_s3(bucket, key, f"content of {key}") is True


def test_delete_a_file(s3_utils):
    store(s3_utils, ["docs/a.txt", "docs/b.txt"])
    assert s3_utils.delete_file_from_s3(BUCKET, "docs/a.txt") is True
    assert s3_utils.list_objects_in_folder(BUCKET, "docs/") == ["docs/b.txt"]
    assert s3_utils.read_text_file_from_s3(BUCKET, "docs/a.txt") is None
    # Deleting a key that is not there succeeds on S3.
    assert s3_utils.delete_file_from_s3(BUCKET, "docs/a.txt") is True


def test_delete_a_folder_touches_nothing_beside_it(s3_utils):
    store(s3_utils, COURSE_KEYS + NEIGHBOURS)
    assert s3_utils.delete_folder_from_s3(BUCKET, "user_data/alice/cs101") is True
    assert s3_utils.list_objects_in_folder(BUCKET, "user_data/") == sorted(NEIGHBOURS)
    assert s3_utils.delete_folder_from_s3(BUCKET, "user_data/alice/cs101/") is True
    assert s3_utils.list_objects_in_folder(BUCKET, "user_data/") == sorted(NEIGHBOURS)


def test_delete_a_key_list(s3_utils):
    store(s3_utils, COURSE_KEYS + NEIGHBOURS)
    assert s3_utils.delete_files_from_s3(BUCKET, COURSE_KEYS[:2] + ["user_data/never/was.txt"]) == 3
    assert s3_utils.delete_files_from_s3(BUCKET, []) == 0
    assert s3_utils.list_objects_in_folder(BUCKET, "user_data/") == sorted(COURSE_KEYS[2:] + NEIGHBOURS)


def test_resource_purge_of_more_than_100(s3_utils):
    keys = sorted(f"tmp/render/{i % 4}/frame{i:03d}.png" for i in range(130))
    upload_many(s3_utils.upload_binary_to_s3, [(BUCKET, key, b"png") for key in keys])
    store(s3_utils, ["tmp/keep.txt", "tmp/renderer.txt"])
    assert s3_utils.purge_prefix_with_resource(BUCKET, "tmp/render/") is None
    assert s3_utils.list_objects_in_folder(BUCKET, "tmp/") == ["tmp/keep.txt", "tmp/renderer.txt"]
    assert s3_utils.purge_prefix_with_resource(BUCKET, "nothing/") is None


def test_copy_keeps_content_type_and_overwrites(s3_utils):
    assert s3_utils.upload_json_to_s3(BUCKET, "src/outline.json", {"v": 1}) is True
    assert s3_utils.upload_file_to_s3(BUCKET, "dst/outline.json", "old text") is True
    assert s3_utils.copy_file_in_s3(BUCKET, "src/outline.json", "dst/outline.json") is True
    assert s3_utils.read_binary_from_s3(BUCKET, "dst/outline.json") == b'{\n  "v": 1\n}'
    assert s3_utils.get_file_metadata(BUCKET, "dst/outline.json")["content_type"] == "application/json"
    assert s3_utils.copy_file_in_s3(BUCKET, "src/outline.json", "dst/second.json") is True
    assert s3_utils.list_objects_in_folder(BUCKET, "") == ["dst/outline.json", "dst/second.json", "src/outline.json"]


def test_move(s3_utils):
    assert s3_utils.upload_binary_to_s3(BUCKET, "inbox/a.bin", b"\x00move me", "application/x-thing") is True
    assert s3_utils.upload_binary_to_s3(BUCKET, "done/a.bin", b"older") is True
    assert s3_utils.move_file_in_s3(BUCKET, "inbox/a.bin", "done/a.bin") is True
    assert s3_utils.list_objects_in_folder(BUCKET, "") == ["done/a.bin"]
    assert s3_utils.read_binary_from_s3(BUCKET, "done/a.bin") == b"\x00move me"
    assert s3_utils.get_file_metadata(BUCKET, "done/a.bin")["content_type"] == "application/x-thing"


def test_archive_course_copies_into_the_archive_bucket(s3_utils):
    store(s3_utils, COURSE_KEYS + NEIGHBOURS)
    assert s3_utils.upload_faiss_index_to_s3(BUCKET, b"\x00index", "alice", "cs101") == COURSE_KEYS[1]
    assert s3_utils.archive_course("alice", "cs101") == "user_data/alice/cs101/"
    assert s3_utils.list_objects_in_folder(ARCHIVE_BUCKET, "") == COURSE_KEYS
    assert s3_utils.read_binary_from_s3(ARCHIVE_BUCKET, COURSE_KEYS[1]) == b"\x00index"
    assert s3_utils.download_course_file(ARCHIVE_BUCKET, COURSE_KEYS[1])["metadata"] == {"course-id": "cs101"}
    assert s3_utils.get_file_metadata(ARCHIVE_BUCKET, COURSE_KEYS[1])["content_type"] == "application/octet-stream"
    # Archiving again overwrites the archived copies.
    assert s3_utils.upload_file_to_s3(BUCKET, COURSE_KEYS[0], "changed") is True
    assert s3_utils.archive_course("alice", "cs101") == "user_data/alice/cs101/"
    assert s3_utils.read_text_file_from_s3(ARCHIVE_BUCKET, COURSE_KEYS[0]) == "changed"
    assert s3_utils.list_objects_in_folder(ARCHIVE_BUCKET, "") == COURSE_KEYS


def test_folder_helpers_return_their_keys(s3_utils):
    assert s3_utils.check_and_create_user_folder(BUCKET, "erin") is True
    assert s3_utils.check_and_create_user_folder(BUCKET, "erin") is True
    assert s3_utils.create_course_folder("erin", "cs101.v2") == "user_data/erin/cs101.v2/"
    # Placeholders aside, nothing is stored.
    assert s3_utils.list_objects_in_folder(BUCKET, "user_data/") == []
