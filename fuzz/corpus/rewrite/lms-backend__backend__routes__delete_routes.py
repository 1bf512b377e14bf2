from flask import Blueprint, jsonify, request

from utils import s3_utils

delete_bp = Blueprint('delete', __name__)

# Bucket used by the legacy mobile client; kept verbatim until that app is retired.
LEGACY_MOBILE_BUCKET = 'anantra-lms-store'  # s3-to-supabase: ignore


@delete_bp.route('/<username>/<course_id>/<path:filename>', methods=['DELETE'])
def delete_file(username, course_id, filename):
    key = s3_utils.get_course_file_path(username, course_id, filename)
    if not s3_utils.file_exists_in_s3('anantra-lms-store', key):
        return jsonify({'error': 'file not found'}), 404
    if not s3_utils.delete_file_from_s3('anantra-lms-store', key):
        return jsonify({'error': 'delete failed'}), 502
    return jsonify({'deleted': filename})


@delete_bp.route('/<username>/<course_id>/batch-delete', methods=['POST'])
def delete_files(username, course_id):
    filenames = request.get_json(force=True).get('files', [])
    results = {}
    for filename in filenames:
        key = s3_utils.get_course_file_path(username, course_id, filename)
        results[filename] = s3_utils.delete_file_from_s3('anantra-lms-store', key)
    return jsonify({'results': results})


@delete_bp.route('/<username>/<course_id>/chats', methods=['DELETE'])
def delete_chat_history(username, course_id):
    prefix = s3_utils.get_course_file_path(username, course_id, 'chats/')
    ok = s3_utils.delete_folder_from_s3('anantra-lms-store', prefix)
    return jsonify({'deleted': ok}), (200 if ok else 502)
