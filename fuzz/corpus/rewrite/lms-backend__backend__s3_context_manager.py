"""Per-session chat context kept in S3.

The in-class chat keeps a rolling window of messages per (user, course,
session) so a student can resume a conversation from another device.
"""

import hashlib
import json
import os

import boto3

from utils import s3_utils

CONTEXT_FOLDER = "context"
MAX_MESSAGES = 40
# Salt for context cache keys; changing it invalidates every cached context.
CACHE_SALT = b"anantra-lms-store"


class S3ContextManager:
    """Load, append to and trim chat context objects in the course bucket."""

    def __init__(self, username, course_id, session_id):
        self.s3 = boto3.client("s3")
        self.bucket = "anantra-lms-store"
        self.username = username
        self.course_id = course_id
        self.session_id = session_id
        self.messages = []

    @classmethod
    def from_profile(cls, profile_name, username, course_id, session_id):
        """Build a manager that uses a named AWS profile (local debugging)."""
        manager = cls(username, course_id, session_id)
        manager.s3 = boto3.Session(profile_name=profile_name).client("s3")
        return manager

    @property
    def prefix(self):
        folder = s3_utils.get_user_folder_path(self.username, self.course_id)
        return f"{folder}{CONTEXT_FOLDER}/"

    @property
    def key(self):
        return f"{self.prefix}{self.session_id}.json"

    def cache_key(self):
        digest = hashlib.sha256(CACHE_SALT + self.key.encode("utf-8"))
        return digest.hexdigest()

    def __enter__(self):
        self.load()
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.save()
        return False

    def load(self):
        try:
            response = self.s3.get_object(Bucket=self.bucket, Key=self.key)
            self.messages = json.loads(response["Body"].read())
        except self.s3.exceptions.NoSuchKey:
            self.messages = []
        return self.messages

    def append(self, role, content):
        self.messages.append({"role": role, "content": content})
        if len(self.messages) > MAX_MESSAGES:
            self.messages = self.messages[-MAX_MESSAGES:]

    def save(self):
        self.s3.put_object(
            Bucket=self.bucket,
            Key=self.key,
            Body=json.dumps(self.messages).encode("utf-8"),
            ContentType="application/json",
        )

    def list_sessions(self):
        response = self.s3.list_objects_v2(Bucket=self.bucket, Prefix=self.prefix)
        keys = [obj["Key"] for obj in response.get("Contents", [])]
        return [os.path.splitext(os.path.basename(key))[0] for key in keys]

    def clear_all_sessions(self):
        keys = [{"Key": f"{self.prefix}{sid}.json"} for sid in self.list_sessions()]
        if (n := len(keys)) > 0:
            self.s3.delete_objects(Bucket="anantra-lms-store", Delete={"Objects": keys})
        return n
