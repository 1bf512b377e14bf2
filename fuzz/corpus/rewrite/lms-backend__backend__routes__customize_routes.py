import typing

from flask import Blueprint, jsonify, request

from utils.s3_utils import upload_file_to_s3, S3_BUCKET_NAME
from utils.s3_utils import get_course_json_path, get_json_from_s3, upload_json_to_s3

customize_bp = Blueprint("customize", __name__)

BucketName = typing.Literal["anantra-lms-store", "anantra-lms-archive"]

THEME_DEFAULTS = {
    "primary_color": "#1f6feb",
    "font": "Inter",
    "logo_bucket": "anantra-lms-store",
    "logo_key": "branding/default-logo.svg",
}

# Marketing site assets live in their own buckets and are not touched by the LMS.
STOREFRONT_BUCKET = "anantra-lms-storefront"
PARTNER_BUCKET = "my-anantra-lms-store"


def _storage_tier(bucket: BucketName) -> str:
    match bucket:
        case "anantra-lms-store":
            return "hot"
        case "anantra-lms-archive":
            return "cold"
        case _:
            return "unknown"


def _load_course(username, course_id, bucket: BucketName = "anantra-lms-store"):
    return get_json_from_s3(bucket, get_course_json_path(username, course_id))


@customize_bp.route("/<username>/<course_id>/theme", methods=["GET"])
def get_theme(username, course_id):
    course = _load_course(username, course_id)
    if course is None:
        return jsonify({"error": "course not found"}), 404
    theme = dict(THEME_DEFAULTS)
    theme.update(course.get("theme", {}))
    return jsonify(theme)


@customize_bp.route("/<username>/<course_id>/theme", methods=["PUT"])
def update_theme(username, course_id):
    course = _load_course(username, course_id)
    if course is None:
        return jsonify({"error": "course not found"}), 404
    course["theme"] = {**course.get("theme", {}), **request.get_json(force=True)}
    upload_json_to_s3("anantra-lms-store", get_course_json_path(username, course_id), course)
    return jsonify(course["theme"])


@customize_bp.route("/<username>/<course_id>/syllabus", methods=["PUT"])
def update_syllabus(username, course_id):
    text = request.get_data(as_text=True)
    key = get_course_json_path(username, course_id).replace("course.json", "syllabus.md")
    if not upload_file_to_s3(S3_BUCKET_NAME, key, text):
        return jsonify({"error": "could not save syllabus"}), 502
    return jsonify({"key": key, "bucket": S3_BUCKET_NAME})


@customize_bp.route("/<username>/<course_id>/tier", methods=["GET"])
def get_tier(username, course_id):
    bucket = request.args.get("bucket", "anantra-lms-store")
    return jsonify({"bucket": bucket, "tier": _storage_tier(bucket)})
