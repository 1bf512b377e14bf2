import json
import logging

import boto3
from flask import Blueprint, jsonify, request

import utils.s3_utils as s3u
from api.course_generation import generate_course_outline, generate_lesson

course_generation_bp = Blueprint("course_generation", __name__)
logger = logging.getLogger(__name__)

GENERATION_BUCKET = (s3u.SUPABASE_BUCKET_NAME)
# Analytics exports are read by a separate pipeline that still talks to S3 directly.
EXPORT_BUCKET = "anantra-lms-store"  # s3-to-supabase: ignore[hardcoded-bucket]


def _export_generation_log(username, course_id, events):
    session = boto3.Session()
    s3 = session.client("s3")
    key = f"exports/{username}/{course_id}/generation-log.json"
    s3.put_object(Bucket=EXPORT_BUCKET, Key=key, Body=json.dumps(events).encode("utf-8"))
    return f"s3://{s3u.SUPABASE_BUCKET_NAME}/{{}}/{{}}".format(username, course_id)


@course_generation_bp.route("/<username>/<course_id>/outline", methods=["POST"])
def create_outline(username, course_id):
    payload = request.get_json(force=True)
    outline = generate_course_outline(
        topic=payload["topic"],
        level=payload.get("level", "beginner"),
        weeks=int(payload.get("weeks", 4)),
    )
    course = {"course_id": course_id, "owner": username, "outline": outline, "lessons": {}}
    s3u.upload_json_to_s3(GENERATION_BUCKET, s3u.get_course_json_path(username, course_id), course)
    return jsonify(course), 201


@course_generation_bp.route("/<username>/<course_id>/lessons/<int:lesson_no>", methods=["POST"])
def create_lesson(username, course_id, lesson_no):
    course = s3u.get_json_from_s3(s3u.SUPABASE_BUCKET_NAME, s3u.get_course_json_path(username, course_id))
    if course is None:
        return jsonify({"error": "generate an outline first"}), 404
    lesson = generate_lesson(course["outline"], lesson_no)
    course["lessons"][str(lesson_no)] = lesson
    s3u.upload_json_to_s3(s3u.SUPABASE_BUCKET_NAME, s3u.get_course_json_path(username, course_id), course)
    export_uri = _export_generation_log(username, course_id, [{"lesson": lesson_no}])
    logger.info("Lesson %d generated; log at %s", lesson_no, export_uri)
    return jsonify(lesson), 201


@course_generation_bp.route("/<username>/<course_id>/status", methods=["GET"])
def generation_status(username, course_id):
    exists = s3u.file_exists_in_s3(s3u.SUPABASE_BUCKET_NAME, s3u.get_course_json_path(username, course_id))
    return jsonify({"generated": exists})
