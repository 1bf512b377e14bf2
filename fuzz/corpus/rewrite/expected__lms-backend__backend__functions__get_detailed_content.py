"""Expand a lesson outline item into detailed, source-grounded content."""

import json
import logging

from utils import s3_utils

logger = logging.getLogger(__name__)

DETAIL_FOLDER = "details"


def _detail_key(username, course_id, lesson_no, item_no):
    return s3_utils.get_course_file_path(
        username, course_id, f"{DETAIL_FOLDER}/lesson-{lesson_no}/item-{item_no}.json"
    )


def get_cached_detail(username, course_id, lesson_no, item_no):
    return s3_utils.get_json_from_s3(s3_utils.SUPABASE_BUCKET_NAME, _detail_key(username, course_id, lesson_no, item_no))


def save_detail(username, course_id, lesson_no, item_no, detail):
    key = _detail_key(username, course_id, lesson_no, item_no)
    s3_utils.upload_json_to_s3(s3_utils.SUPABASE_BUCKET_NAME, key, detail)
    return key


def read_source_excerpt(s3_utils, key, max_chars=4000):
    """Read a source file through an injected storage module (tests pass a fake).

    The parameter deliberately shadows the module-level import.
    """
    text = s3_utils.read_text_file_from_s3("anantra-lms-store", key)
    return (text or "")[:max_chars]


def get_detailed_content(username, course_id, lesson_no, item_no, generate):
    """Return detail for one outline item, generating and caching it on a miss.

    ``generate`` is a callable taking (item, excerpts) and returning a dict.
    """
    cached = get_cached_detail(username, course_id, lesson_no, item_no)
    if cached is not None:
        return cached

    course = s3_utils.load_course_structure(username, course_id)
    if course is None:
        raise LookupError(f"course {course_id} not found")
    lesson = course.get("lessons", {}).get(str(lesson_no), {})
    items = lesson.get("items", [])
    if item_no >= len(items):
        raise LookupError(f"lesson {lesson_no} has no item {item_no}")

    sources_prefix = s3_utils.get_course_file_path(username, course_id, "uploads/")
    excerpts = []
    for key in s3_utils.list_objects_in_folder(s3_utils.SUPABASE_BUCKET_NAME, sources_prefix)[:3]:
        if key.endswith((".txt", ".md")):
            excerpts.append(read_source_excerpt(s3_utils, key))

    detail = generate(items[item_no], excerpts)
    save_detail(username, course_id, lesson_no, item_no, detail)
    logger.debug("Generated detail %s", json.dumps({"lesson": lesson_no, "item": item_no}))
    return detail


def get_detail_with_local_storage(username, course_id, lesson_no, item_no):
    s3_utils = LocalStorage()
    return s3_utils.get_json_from_s3("anantra-lms-store", _detail_key(username, course_id, lesson_no, item_no))


class LocalStorage:
    """Disk-backed stand-in for the storage module, used in offline demos."""

    def __init__(self, root="./local_store"):
        self.root = root

    def _path(self, bucket_name, key):
        return f"{self.root}/{bucket_name}/{key}"

    def get_json_from_s3(self, bucket_name, key):
        try:
            with open(self._path(bucket_name, key), encoding="utf-8") as fh:
                return json.load(fh)
        except FileNotFoundError:
            return None

    def read_text_file_from_s3(self, bucket_name, key):
        try:
            with open(self._path(bucket_name, key), encoding="utf-8") as fh:
                return fh.read()
        except FileNotFoundError:
            return None
