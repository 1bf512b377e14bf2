import logging
import os
import uuid

from flask import Blueprint, jsonify, request
from werkzeug.utils import secure_filename

from utils import s3_utils

upload_bp = Blueprint("upload", __name__)
logger = logging.getLogger(__name__)

ALLOWED_EXTENSIONS = {".pdf", ".txt", ".md", ".docx", ".pptx"}


def _allowed(filename):
    return os.path.splitext(filename)[1].lower() in ALLOWED_EXTENSIONS


def _save_upload(file_storage, username, course_id, bucket=s3_utils.SUPABASE_BUCKET_NAME):
    filename = secure_filename(file_storage.filename)
    key = s3_utils.get_course_file_path(username, course_id, f"uploads/{filename}")
    ok = s3_utils.upload_binary_to_s3(
        bucket,
        key,
        file_storage.read(),
        content_type=file_storage.mimetype or "application/octet-stream",
    )
    return key if ok else None


@upload_bp.route("/<username>/<course_id>", methods=["POST"])
def upload_course_files(username, course_id):
    files = request.files.getlist("files")
    if not files:
        return jsonify({"error": "no files in request"}), 400

    s3_utils.check_and_create_user_folder(s3_utils.SUPABASE_BUCKET_NAME, username)
    uploaded = []
    rejected = []
    for file_storage in files:
        if not _allowed(file_storage.filename):
            rejected.append(file_storage.filename)
            continue
        key = _save_upload(file_storage, username, course_id)
        if key is None:
            return jsonify({"error": f"upload failed for {file_storage.filename}"}), 502
        uploaded.append({"key": key, "uri": f"s3://{s3_utils.SUPABASE_BUCKET_NAME}/{key}"})
        logger.info(f"Uploaded to {s3_utils.SUPABASE_BUCKET_NAME}: %s", key)

    return jsonify({"uploaded": uploaded, "rejected": rejected}), 201


@upload_bp.route("/<username>/<course_id>/notes", methods=["POST"])
def upload_notes(username, course_id):
    payload = request.get_json(force=True)
    note_id = payload.get("id") or uuid.uuid4().hex
    key = s3_utils.get_course_file_path(username, course_id, f"notes/{note_id}.md")
    if not s3_utils.upload_file_to_s3(s3_utils.SUPABASE_BUCKET_NAME, key, payload.get("text", "")):
        return jsonify({"error": "could not save note"}), 502
    return jsonify({"id": note_id, "key": key}), 201


@upload_bp.route("/<username>/<course_id>/files/<path:filename>/url", methods=["GET"])
def get_download_url(username, course_id, filename):
    key = s3_utils.get_course_file_path(username, course_id, f"uploads/{filename}")
    if not s3_utils.file_exists_in_s3(s3_utils.SUPABASE_BUCKET_NAME, key):
        return jsonify({"error": "not found"}), 404
    url = s3_utils.generate_presigned_url(s3_utils.SUPABASE_BUCKET_NAME, key, expiration=900)
    return jsonify({"url": url})


@upload_bp.route("/<username>/<course_id>/files", methods=["GET"])
def list_uploaded_files(username, course_id):
    prefix = s3_utils.get_course_file_path(username, course_id, "uploads/")
    keys = s3_utils.list_objects_in_folder(s3_utils.SUPABASE_BUCKET_NAME, prefix)
    return jsonify({"files": [key[len(prefix):] for key in keys]})
