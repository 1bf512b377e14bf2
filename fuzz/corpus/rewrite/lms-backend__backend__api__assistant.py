"""Course assistant: an OpenAI assistant with tools over the course files."""

import logging
import os

from boto3 import client as boto_client
from flask import Blueprint, jsonify, request
from openai import OpenAI

import utils.s3_utils

assistant_bp = Blueprint("assistant", __name__)
logger = logging.getLogger(__name__)

# Read ahead of the storage migration so deployments can already set it.
ASSISTANT_BUCKET = os.getenv("SUPABASE_BUCKET_NAME", "anantra-lms-store")
ATTACHMENT_URL_TTL = 600


class StorageTool:
    """Tool the assistant calls to read course files (not a boto3 client)."""

    name = "s3"

    def __init__(self, bucket):
        self.bucket = bucket

    def read(self, key):
        return utils.s3_utils.read_text_file_from_s3(self.bucket, key)

    def list(self, prefix):
        return utils.s3_utils.list_objects_in_folder(self.bucket, prefix)


class ToolRegistry:
    def __init__(self):
        self._tools = {}

    def register(self, tool):
        self._tools[tool.name] = tool

    def client(self, name):
        return self._tools[name]


class CourseAssistant:
    def __init__(self, username, course_id, registry=None):
        self.username = username
        self.course_id = course_id
        self.registry = registry or ToolRegistry()
        if "s3" not in self.registry._tools:
            self.registry.register(StorageTool(ASSISTANT_BUCKET))
        self.openai = OpenAI(api_key=os.getenv("OPENAI_API_KEY"))

    @property
    def storage(self):
        return self.registry.client("s3")

    def instructions(self):
        course = utils.s3_utils.get_json_from_s3(
            "anantra-lms-store",
            utils.s3_utils.get_course_json_path(self.username, self.course_id),
        )
        title = (course or {}).get("outline", {}).get("title", self.course_id)
        return f"You help students of the course '{title}'. Cite file names when you use them."

    def course_files(self):
        prefix = utils.s3_utils.get_course_file_path(self.username, self.course_id, "uploads/")
        return self.storage.list(prefix)

    def attachment_urls(self):
        # A dedicated client with a short-lived signature; the shared one in
        # s3_utils uses the default expiry.
        signer = boto_client("s3", region_name=utils.s3_utils.REGION_NAME)
        urls = {}
        for key in self.course_files():
            urls[key] = signer.generate_presigned_url(
                "get_object",
                Params={"Bucket": "anantra-lms-store", "Key": key},
                ExpiresIn=ATTACHMENT_URL_TTL,
            )
        return urls

    def create(self):
        assistant = self.openai.beta.assistants.create(
            name=f"{self.course_id}-assistant",
            instructions=self.instructions(),
            model=os.getenv("OPENAI_CHAT_MODEL", "gpt-4o-mini"),
        )
        record = {"assistant_id": assistant.id, "files": sorted(self.course_files())}
        utils.s3_utils.upload_json_to_s3(
            utils.s3_utils.S3_BUCKET_NAME,
            utils.s3_utils.get_course_file_path(self.username, self.course_id, "assistant.json"),
            record,
        )
        return record


@assistant_bp.route("/<username>/<course_id>", methods=["POST"])
def create_assistant(username, course_id):
    try:
        record = CourseAssistant(username, course_id).create()
    except Exception:
        logger.exception("Assistant creation failed (check OpenAI key and boto3 credentials)")
        return jsonify({"error": "assistant creation failed"}), 502
    return jsonify(record), 201


@assistant_bp.route("/<username>/<course_id>/attachments", methods=["GET"])
def list_attachments(username, course_id):
    return jsonify(CourseAssistant(username, course_id).attachment_urls())


@assistant_bp.route("/<username>/<course_id>/files/<path:key>", methods=["GET"])
def read_file(username, course_id, key):
    text = CourseAssistant(username, course_id).storage.read(key)
    if text is None:
        return jsonify({"error": "not found", "bucket": request.args.get("bucket", ASSISTANT_BUCKET)}), 404
    return text
