"""Listings: recursive by prefix, one level with sub-folders, one page, paginated, the resource API.

S3 lists every key under a prefix (not one folder level), in byte order of the key,
case-sensitively, and a prefix may end in the middle of a name. The keys below are
chosen so that a translation that lists the parent folder, stops at 100 entries,
matches folder names case-insensitively or treats a name with a dot as a file gives
a different answer.
"""

import datetime

from behaviour_store import BUCKET, upload_many

COURSE = "user_data/alice/cs101/"
COURSE_KEYS = [
    "user_data/alice/cs101/Syllabus.pdf",
    "user_data/alice/cs101/course.json",
    "user_data/alice/cs101/faiss/chunks.json",
    "user_data/alice/cs101/faiss/index.faiss",
    "user_data/alice/cs101/notes.txt",
    "user_data/alice/cs101/uploads/a b.pdf",
    "user_data/alice/cs101/uploads/week1/slides.pdf",
]
# Same letters in another case, a longer folder name, the parent folder: never part of COURSE.
DECOYS = [
    "user_data/Alice/cs101/other-user.txt",
    "user_data/alice/CS101/shouting.txt",
    "user_data/alice/cs1010/neighbour.txt",
    "user_data/alice/top-level.txt",
]


def store(s3_utils, keys):
    for key in keys:
        assert s3_utils.upload_file_to_s3(BUCKET, key, f"content of {key}") is True


def test_list_objects_in_folder_is_recursive_and_exact(s3_utils):
    store(s3_utils, COURSE_KEYS + DECOYS)
    assert s3_utils.list_objects_in_folder(BUCKET, COURSE) == COURSE_KEYS


def test_the_first_listing_api_lists_as_the_second(s3_utils):
    assert s3_utils.list_course_file_names(BUCKET, "alice", "cs101") == []
    store(s3_utils, COURSE_KEYS + DECOYS)
    assert s3_utils.list_course_file_names(BUCKET, "alice", "cs101") == [key[len(COURSE):] for key in COURSE_KEYS]
    assert s3_utils.list_objects_in_folder(BUCKET, "user_data/alice/cs101/uploads/") == [
        "user_data/alice/cs101/uploads/a b.pdf",
        "user_data/alice/cs101/uploads/week1/slides.pdf",
    ]
    assert s3_utils.list_objects_in_folder(BUCKET, "user_data/") == sorted(COURSE_KEYS + DECOYS)
    assert s3_utils.list_objects_in_folder(BUCKET, "user_data/bob/") == []


def test_prefix_ending_mid_name(s3_utils):
    keys = [
        "user_data/alice/cs101/course_materials/lab.pdf",
        "user_data/alice/cs101/course_materials/lec1.pdf",
        "user_data/alice/cs101/course_materials/Lecture2.pdf",
        "user_data/alice/cs101/course_materials/lectures/w1.pdf",
        "user_data/alice/cs101/course_materials/lectures/w2/notes.pdf",
        "user_data/alice/cs101/course_materials_old/lec9.pdf",
    ]
    store(s3_utils, keys)
    lectures = [
        "user_data/alice/cs101/course_materials/lec1.pdf",
        "user_data/alice/cs101/course_materials/lectures/w1.pdf",
        "user_data/alice/cs101/course_materials/lectures/w2/notes.pdf",
    ]
    assert s3_utils.list_lecture_files("alice", "cs101") == lectures
    assert s3_utils.list_objects_in_folder(BUCKET, "user_data/alice/cs101/course_materials/lec") == lectures
    assert s3_utils.list_objects_in_folder(BUCKET, "user_data/alice/cs101/course_mat") == sorted(keys)
    assert s3_utils.list_keys_with_resource(BUCKET, "user_data/alice/cs101/course_materials/l") == [
        "user_data/alice/cs101/course_materials/lab.pdf",
    ] + lectures


def test_more_than_100_objects_and_list_user_files(s3_utils):
    keys = sorted(f"user_data/bob/big/part{i % 3}/file{i:03d}.txt" for i in range(150))
    upload_many(s3_utils.upload_file_to_s3, [(BUCKET, key, key[-11:]) for key in keys])
    assert s3_utils.list_objects_in_folder(BUCKET, "user_data/bob/big/") == keys
    files = s3_utils.list_user_files("bob", "big")
    assert [entry["key"] for entry in files] == keys
    assert {entry["size"] for entry in files} == {11}
    for entry in files:
        stamp = datetime.datetime.fromisoformat(entry["last_modified"])
        assert stamp.microsecond == 0 and stamp.utcoffset() == datetime.timedelta(0), entry
    assert s3_utils.get_folder_size(BUCKET, "user_data/bob/big/") == 1650
    assert s3_utils.list_keys_with_resource(BUCKET, "user_data/bob/big/part1/") == [k for k in keys if "/part1/" in k]
    assert s3_utils.count_all_objects(BUCKET) == 150


def test_list_user_files_of_a_course(s3_utils):
    store(s3_utils, COURSE_KEYS + DECOYS)
    files = s3_utils.list_user_files("alice", "cs101")
    assert [(entry["key"], entry["size"]) for entry in files] == [(key, len(f"content of {key}")) for key in COURSE_KEYS]
    assert s3_utils.list_user_files("alice", "cs999") == []
    for entry in files:
        assert entry["last_modified"] == s3_utils.get_file_metadata(BUCKET, entry["key"])["last_modified"]


def test_course_ids_with_a_dot_case_variants_and_more_than_100(s3_utils):
    named = ["CS101", "cs101", "cs101.v2", "data.science.2024", "ml"]
    numbered = [f"course{i:03d}" for i in range(120)]
    courses = named + numbered
    upload_many(s3_utils.upload_file_to_s3, [(BUCKET, f"user_data/carol/{c}/course.json", "{}") for c in courses])
    assert s3_utils.upload_file_to_s3(BUCKET, "user_data/carol/profile.json", "{}") is True
    assert s3_utils.upload_file_to_s3(BUCKET, "user_data/carol/cs101/deep/er/file.txt", "x") is True
    assert s3_utils.list_user_course_ids("carol") == sorted(courses)
    # S3 orders common prefixes by their bytes, "/" included: "cs101.v2/" before "cs101/".
    assert s3_utils.list_subfolders(BUCKET, "user_data/carol/") == [p[:-1] for p in sorted(c + "/" for c in courses)]
    assert s3_utils.list_subfolders(BUCKET, "user_data/carol/cs") == ["101.v2", "101"]
    assert s3_utils.list_subfolders(BUCKET, "user_data/carol/cs101/") == ["deep"]
    assert s3_utils.list_subfolders(BUCKET, "user_data/") == ["carol"]
    # The same listing through a Delimiter paginator.
    assert s3_utils.list_folder_names(BUCKET, "user_data/carol/") == [p[:-1] for p in sorted(c + "/" for c in courses)]
    assert s3_utils.list_folder_names(BUCKET, "user_data/carol/cs") == ["101.v2", "101"]
    assert s3_utils.list_user_course_ids("dave") == []
    assert s3_utils.list_subfolders(BUCKET, "user_data/dave/") == []
    assert s3_utils.list_folder_names(BUCKET, "user_data/dave/") == []


def test_one_page_checks(s3_utils):
    assert s3_utils.course_has_files("alice", "cs101") is False
    assert s3_utils.folder_is_empty(BUCKET, COURSE) is True
    store(s3_utils, ["user_data/alice/cs101/uploads/week1/slides.pdf", "user_data/alice/cs1010/neighbour.txt"])
    assert s3_utils.course_has_files("alice", "cs101") is True
    assert s3_utils.folder_is_empty(BUCKET, COURSE) is False
    assert s3_utils.course_has_files("alice", "cs10") is False
    assert s3_utils.folder_is_empty(BUCKET, "user_data/alice/cs101/uploads/week2/") is True


def test_folder_size_sums_every_level(s3_utils):
    for key, size in [("sizes/a.bin", 10), ("sizes/b/c.bin", 200), ("sizes/b/d/e.bin", 3000), ("sizesX/f.bin", 7)]:
        assert s3_utils.upload_binary_to_s3(BUCKET, key, b"\x01" * size) is True
    assert s3_utils.get_folder_size(BUCKET, "sizes/") == 3210
    assert s3_utils.get_folder_size(BUCKET, "sizes") == 3217
    assert s3_utils.get_folder_size(BUCKET, "nothing/") == 0


def test_resource_listing_of_all_objects(s3_utils):
    store(s3_utils, COURSE_KEYS)
    assert s3_utils.count_all_objects(BUCKET) == 7
    assert s3_utils.list_keys_with_resource(BUCKET, "") == COURSE_KEYS
    assert s3_utils.list_keys_with_resource(BUCKET, "user_data/alice/cs101/faiss/") == COURSE_KEYS[2:4]
