"""Course read API: course JSON, lesson content and file listings."""

import logging

from flask import Blueprint, jsonify, request

from api.course_generation import generate_detail
from api.errors import ClientError, NotFoundError
from functions.get_detailed_content import get_detailed_content
from utils import s3_utils

course_api_bp = Blueprint("course_api", __name__)
logger = logging.getLogger(__name__)


def _require_course(username, course_id):
    course = s3_utils.get_json_from_s3("anantra-lms-store", s3_utils.get_course_json_path(username, course_id))
    if course is None:
        raise NotFoundError(f"course {course_id} not found")
    return course


def _course_uri(username, course_id):
    key = s3_utils.get_course_json_path(username, course_id)
    return "s3://anantra-lms-store/" f"{key}"


def _parse_lesson_number(raw):
    try:
        number = int(raw)
    except (TypeError, ValueError):
        raise ClientError("lesson must be an integer")
    if number < 1:
        raise ClientError("lesson numbers start at 1", payload={"lesson": number})
    return number


@course_api_bp.route("/<username>", methods=["GET"])
def list_courses(username):
    courses = []
    for course_id in s3_utils.list_user_course_ids(username):
        course = s3_utils.load_course_structure(username, course_id)
        title = course.get("outline", {}).get("title") if course else None
        courses.append({"course_id": course_id, "title": title})
    return jsonify({"courses": courses})


@course_api_bp.route("/<username>/<course_id>", methods=["GET"])
def get_course(username, course_id):
    course = _require_course(username, course_id)
    course["source"] = _course_uri(username, course_id)
    return jsonify(course)


@course_api_bp.route("/<username>/<course_id>/lesson", methods=["GET"])
def get_lesson(username, course_id):
    try:
        lesson_no = _parse_lesson_number(request.args.get("n"))
        course = _require_course(username, course_id)
    except ClientError as e:
        logger.info("Rejected lesson request for %s/%s: %s", username, course_id, e.message)
        return jsonify(e.to_dict()), e.status_code
    lesson = course.get("lessons", {}).get(str(lesson_no))
    if lesson is None:
        return jsonify({"error": "lesson not generated yet"}), 404
    return jsonify(lesson)


@course_api_bp.route("/<username>/<course_id>/files", methods=["GET"])
def get_course_files(username, course_id):
    _require_course(username, course_id)
    files = s3_utils.list_user_files(username, course_id)
    total = sum(f["size"] for f in files)
    return jsonify({"files": files, "total_bytes": total})


@course_api_bp.route("/<username>/<course_id>/raw/<path:filename>", methods=["GET"])
def get_raw_file(username, course_id, filename):
    key = s3_utils.get_course_file_path(username, course_id, filename)
    text = s3_utils.read_text_file_from_s3('anantra-lms-store', key)
    if text is None:
        raise NotFoundError(f"{filename} not found")
    return text, 200, {"Content-Type": "text/plain; charset=utf-8"}


@course_api_bp.route("/<username>/<course_id>/lesson/<int:lesson_no>/items/<int:item_no>", methods=["GET"])
def get_item_detail(username, course_id, lesson_no, item_no):
    try:
        detail = get_detailed_content(username, course_id, lesson_no, item_no, generate_detail)
    except LookupError as e:
        raise NotFoundError(str(e))
    return jsonify(detail)
