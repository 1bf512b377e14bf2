"""More than 1000 objects under one prefix: listing, sizes, the batched deletes (S3 pages are 1000 keys)."""

from behaviour_store import BUCKET, upload_many

FOLDER = "user_data/frank/archive2024/"
KEYS = sorted(f"{FOLDER}week{i % 7}/item{i:04d}.bin" for i in range(1050))
DECOYS = ["user_data/frank/archive2024.txt", "user_data/frank/archive20245/x.bin", "user_data/frank/notes.txt"]


def test_more_than_1000_objects(s3_utils):
    upload_many(s3_utils.upload_binary_to_s3, [(BUCKET, key, key[-12:].encode()) for key in KEYS + DECOYS])
    assert s3_utils.list_objects_in_folder(BUCKET, FOLDER) == KEYS
    assert s3_utils.get_folder_size(BUCKET, FOLDER) == 12 * 1050
    assert s3_utils.folder_is_empty(BUCKET, FOLDER) is False
    assert s3_utils.list_keys_with_resource(BUCKET, FOLDER) == KEYS
    assert s3_utils.count_all_objects(BUCKET) == 1053
    assert s3_utils.delete_files_from_s3(BUCKET, KEYS[:1001]) == 1001
    assert s3_utils.list_objects_in_folder(BUCKET, FOLDER) == KEYS[1001:]
    assert s3_utils.delete_folder_from_s3(BUCKET, FOLDER) is True
    assert s3_utils.list_objects_in_folder(BUCKET, "user_data/frank/") == sorted(DECOYS)


def test_delete_a_folder_of_more_than_1000_objects(s3_utils):
    upload_many(s3_utils.upload_binary_to_s3, [(BUCKET, key, b"x") for key in KEYS + DECOYS])
    assert s3_utils.delete_folder_from_s3(BUCKET, "user_data/frank/archive2024") is True
    assert s3_utils.list_objects_in_folder(BUCKET, "user_data/frank/") == sorted(DECOYS)


def test_a_folder_indexed_through_a_token_variable(s3_utils):
    upload_many(s3_utils.upload_binary_to_s3, [(BUCKET, key, key[-12:].encode()) for key in KEYS + DECOYS])
    assert s3_utils.index_folder(BUCKET, FOLDER) == {key: 12 for key in KEYS}
    by_prefix = s3_utils.index_folder(BUCKET, "user_data/frank/archive2024")
    assert by_prefix == {key: 12 for key in KEYS + DECOYS[:2]}
    assert s3_utils.index_folder(BUCKET, "user_data/nobody/") == {}
