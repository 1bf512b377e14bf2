import logging

import boto3
from flask import Blueprint, jsonify, request

import utils.s3_utils as s3_utils

delete_course_bp = Blueprint("delete_course", __name__)
logger = logging.getLogger(__name__)

BUCKET = s3_utils.SUPABASE_BUCKET_NAME
ARCHIVE_BUCKET = "anantra-lms-archive"
# Nightly replication target; managed by the ops team, never written from here.
REPLICA_BUCKET = "anantra-lms-store-backup"


def _purge_with_resource(prefix):
    """Fallback purge through the resource API when batch deletes fail."""
    bucket = boto3.resource("s3").Bucket(BUCKET)
    removed = 0
    for obj in bucket.objects.filter(Prefix=prefix):
        obj.delete()
        removed += 1
    return removed


@delete_course_bp.route("/<username>/<course_id>", methods=["DELETE"])
def delete_course(username, course_id):
    prefix = s3_utils.get_user_folder_path(username, course_id)
    if not s3_utils.list_objects_in_folder(BUCKET, prefix):
        return jsonify({"error": "course not found"}), 404

    if request.args.get("archive", "true") == "true":
        s3_utils.archive_course(username, course_id)
        logger.info("Archived %s to %s", prefix, ARCHIVE_BUCKET)

    if not s3_utils.delete_folder_from_s3(s3_utils.SUPABASE_BUCKET_NAME, prefix):
        removed = _purge_with_resource(prefix)
        logger.warning("Batch delete failed for %s; removed %d objects one by one", prefix, removed)
    return jsonify({"deleted": course_id})


@delete_course_bp.route("/<username>/<course_id>/restore", methods=["POST"])
def restore_course(username, course_id):
    prefix = s3_utils.get_user_folder_path(username, course_id)
    archived = s3_utils.list_objects_in_folder(bucket_name="anantra-lms-archive", folder_path=prefix)
    for key in archived:
        s3_utils.s3_client.copy_object(
            Bucket=s3_utils.SUPABASE_BUCKET_NAME,
            Key=key,
            CopySource={"Bucket": "anantra-lms-archive", "Key": key},
        )
    return jsonify({"restored": len(archived)})


@delete_course_bp.route("/<username>", methods=["GET"])
def list_courses(username):
    return jsonify({"courses": s3_utils.list_user_course_ids(username)})
