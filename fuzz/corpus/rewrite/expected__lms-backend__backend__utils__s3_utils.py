"""Storage helpers for the LMS backend.

Every course artefact (uploaded PDFs, generated course JSON, FAISS indexes,
chat logs) lives in the "anantra-lms-store" S3 bucket under
``user_data/{username}/{course_id}/``.
"""

import json
import mimetypes
import os

import boto3
from botocore.exceptions import ClientError, NoCredentialsError

ACCESS_KEY = os.getenv("AWS_ACCESS_KEY_ID")
SECRET_KEY = os.getenv("AWS_SECRET_ACCESS_KEY")
REGION_NAME = os.getenv("AWS_REGION", "ap-south-1")

SUPABASE_BUCKET_NAME = os.getenv("SUPABASE_BUCKET_NAME", "anantra-lms-store")
S3_BUCKET_NAME = SUPABASE_BUCKET_NAME
USER_DATA_ROOT = "user_data"
FAISS_FOLDER = "faiss"
DELETE_BATCH_SIZE = 1000

s3_client = boto3.client(
    "s3",
    aws_access_key_id=ACCESS_KEY,
    aws_secret_access_key=SECRET_KEY,
    region_name=REGION_NAME,
)


# ---------------------------------------------------------------------------
# Path helpers
# ---------------------------------------------------------------------------


def get_user_root_path(username):
    return f"{USER_DATA_ROOT}/{username}/"


def get_user_folder_path(username, course_id):
    return f"{USER_DATA_ROOT}/{username}/{course_id}/"


def get_course_file_path(username, course_id, filename):
    return get_user_folder_path(username, course_id) + filename


def get_course_json_path(username, course_id):
    return get_course_file_path(username, course_id, "course.json")


def get_faiss_folder_path(username, course_id):
    return get_user_folder_path(username, course_id) + FAISS_FOLDER + "/"


def get_faiss_index_path(username, course_id):
    return get_faiss_folder_path(username, course_id) + "index.faiss"


def get_chat_log_path(username, course_id, session_id):
    return get_course_file_path(username, course_id, f"chats/{session_id}.jsonl")


def get_s3_uri(key, bucket_name=SUPABASE_BUCKET_NAME):
    return f"s3://{bucket_name}/{key}"


# ---------------------------------------------------------------------------
# Uploads
# ---------------------------------------------------------------------------


def upload_file_to_s3(bucket_name, file_path, content):
    """Write a text file (str) to the bucket, overwriting any existing object."""
    try:
        s3_client.put_object(
            Bucket=bucket_name,
            Key=file_path,
            Body=content,
            ContentType="text/plain; charset=utf-8",
        )
        return True
    except ClientError as e:
        print(f"Error uploading {file_path}: {e}")
        return False


def upload_binary_to_s3(bucket_name, file_path, data, content_type="application/octet-stream"):
    try:
        s3_client.put_object(Bucket=bucket_name, Key=file_path, Body=data, ContentType=content_type)
        return True
    except ClientError as e:
        print(f"Error uploading binary {file_path}: {e.response['Error']['Message']}")
        return False


def upload_json_to_s3(bucket_name, file_path, data):
    try:
        body = json.dumps(data, indent=2, ensure_ascii=False)
        s3_client.put_object(
            Bucket=bucket_name,
            Key=file_path,
            Body=body.encode("utf-8"),
            ContentType="application/json",
        )
        return True
    except ClientError as e:
        print(f"Error uploading JSON {file_path}: {e}")
        return False


def upload_faiss_index_to_s3(bucket_name, index_bytes, username, course_id):
    key = get_faiss_index_path(username, course_id)
    try:
        s3_client.put_object(
            Bucket=bucket_name,
            Key=key,
            Body=index_bytes,
            ContentType="application/octet-stream",
            Metadata={"course-id": str(course_id)},
        )
        return key
    except ClientError as e:
        print(f"Error uploading FAISS index for {username}/{course_id}: {e}")
        return None


def upload_local_file_to_s3(bucket_name, local_path, s3_key):
    content_type, _ = mimetypes.guess_type(local_path)
    extra_args = {"ContentType": content_type or "application/octet-stream"}
    try:
        s3_client.upload_file(local_path, bucket_name, s3_key, ExtraArgs=extra_args)
        return True
    except ClientError as e:
        print(f"Error uploading {local_path} to {s3_key}: {e}")
        return False
    except NoCredentialsError:
        print("AWS credentials not available")
        return False


def upload_directory_to_s3(bucket_name, local_dir, s3_prefix):
    """Upload every file below local_dir, keeping the relative layout."""
    uploaded = []
    for root, _dirs, files in os.walk(local_dir):
        for name in sorted(files):
            local_path = os.path.join(root, name)
            relative = os.path.relpath(local_path, local_dir).replace(os.sep, "/")
            key = s3_prefix.rstrip("/") + "/" + relative
            try:
                s3_client.upload_file(
                    Filename=local_path,
                    Bucket=bucket_name,
                    Key=key,
                )
                uploaded.append(key)
            except ClientError as e:
                print(f"Skipping {local_path}: {e}")
    return uploaded


def save_course_structure(username, course_id, structure):
    return upload_json_to_s3(SUPABASE_BUCKET_NAME, get_course_json_path(username, course_id), structure)


# ---------------------------------------------------------------------------
# Reads
# ---------------------------------------------------------------------------


def read_text_file_from_s3(bucket_name, file_path):
    try:
        response = s3_client.get_object(Bucket=bucket_name, Key=file_path)
        return response["Body"].read().decode("utf-8")
    except ClientError as e:
        if e.response["Error"]["Code"] == "NoSuchKey":
            print(f"File not found: {file_path}")
            return None
        print(f"Error reading {file_path}: {e}")
        return None


def read_binary_from_s3(bucket_name, file_path):
    try:
        response = s3_client.get_object(Bucket=bucket_name, Key=file_path)
        return response["Body"].read()
    except s3_client.exceptions.NoSuchKey:
        return None
    except ClientError as e:
        print(f"Error reading binary {file_path}: {e}")
        return None


def get_json_from_s3(bucket_name, file_path):
    try:
        response = s3_client.get_object(Bucket=bucket_name, Key=file_path)
        return json.load(response["Body"])
    except (ClientError, ValueError) as e:
        if isinstance(e, ClientError) and e.response["Error"]["Code"] in ["NoSuchKey", "404"]:
            return None
        print(f"Error loading JSON {file_path}: {e}")
        return None


def load_course_structure(username, course_id):
    return get_json_from_s3(SUPABASE_BUCKET_NAME, get_course_json_path(username, course_id))


def file_exists_in_s3(bucket_name, file_path):
    try:
        s3_client.head_object(Bucket=bucket_name, Key=file_path)
        return True
    except ClientError as e:
        if e.response["ResponseMetadata"]["HTTPStatusCode"] == 404:
            return False
        raise


def get_file_metadata(bucket_name, file_path):
    try:
        head = s3_client.head_object(Bucket=bucket_name, Key=file_path)
    except ClientError as e:
        code = e.response.get("Error", {}).get("Code")
        if code in ("404", "NoSuchKey"):
            return None
        raise
    return {
        "size": head["ContentLength"],
        "content_type": head.get("ContentType"),
        "etag": head["ETag"].strip('"'),
        "last_modified": head["LastModified"].isoformat(),
    }


def get_file_size(bucket_name, file_path):
    metadata = get_file_metadata(bucket_name, file_path)
    return metadata["size"] if metadata else 0


def require_file(bucket_name, file_path):
    """Raise the same error boto3 raises for a missing key, for callers that expect it."""
    if not file_exists_in_s3(bucket_name, file_path):
        raise ClientError({"Error": {"Code": "404", "Message": "x"}}, "HeadObject")
    return file_path


def download_file_from_s3(bucket_name, s3_key, local_path):
    os.makedirs(os.path.dirname(local_path) or ".", exist_ok=True)
    try:
        s3_client.download_file(bucket_name, s3_key, local_path)
        return True
    except ClientError as e:
        if e.response["Error"]["Code"] == "404":
            print(f"Object does not exist: {s3_key}")
        else:
            print(f"Error downloading {s3_key}: {e}")
        return False
    except NoCredentialsError:
        print("AWS credentials not available")
        return False


def download_faiss_index_from_s3(bucket_name, username, course_id, local_dir):
    local_path = os.path.join(local_dir, "index.faiss")
    try:
        s3_client.download_file(
            Bucket=bucket_name,
            Key=get_faiss_index_path(username, course_id),
            Filename=local_path,
        )
    except ClientError as e:
        if e.response["Error"]["Code"] == "404":
            return None
        raise
    return local_path


def generate_presigned_url(bucket_name, file_path, expiration=3600):
    try:
        return s3_client.generate_presigned_url(
            "get_object",
            Params={"Bucket": bucket_name, "Key": file_path},
            ExpiresIn=expiration,
        )
    except ClientError as e:
        print(f"Error generating presigned URL for {file_path}: {e}")
        return None


def append_to_log(bucket_name, file_path, line):
    existing = ""
    try:
        response = s3_client.get_object(Bucket=bucket_name, Key=file_path)
        existing = response["Body"].read().decode("utf-8")
    except ClientError as e:
        if e.response["Error"]["Code"] != "NoSuchKey":
            raise
    return upload_file_to_s3(bucket_name, file_path, existing + line.rstrip("\n") + "\n")


# ---------------------------------------------------------------------------
# Listing
# ---------------------------------------------------------------------------


def list_objects_in_folder(bucket_name, folder_path):
    """Return every key below folder_path (recursive), following continuation tokens."""
    keys = []
    kwargs = {"Bucket": bucket_name, "Prefix": folder_path}
    while True:
        response = s3_client.list_objects_v2(**kwargs)
        for obj in response.get("Contents", []):
            if not obj["Key"].endswith("/"):
                keys.append(obj["Key"])
        if not response.get("IsTruncated"):
            break
        kwargs["ContinuationToken"] = response["NextContinuationToken"]
    return keys


def list_subfolders(bucket_name, prefix):
    folders = []
    continuation_token = None
    while True:
        params = {"Bucket": bucket_name, "Prefix": prefix, "Delimiter": "/"}
        if continuation_token:
            params["ContinuationToken"] = continuation_token
        response = s3_client.list_objects_v2(**params)
        for common_prefix in response.get("CommonPrefixes", []):
            folders.append(common_prefix["Prefix"][len(prefix):].rstrip("/"))
        if response.get("IsTruncated"):
            continuation_token = response.get("NextContinuationToken")
        else:
            break
    return folders


def list_user_course_ids(username):
    prefix = get_user_root_path(username)
    try:
        response = s3_client.list_objects_v2(
            Bucket=SUPABASE_BUCKET_NAME,
            Prefix=prefix,
            Delimiter="/",
        )
    except ClientError as e:
        print(f"Error listing courses for {username}: {e}")
        return []
    course_ids = []
    for common_prefix in response.get("CommonPrefixes", []):
        course_id = common_prefix["Prefix"][len(prefix):].strip("/")
        if course_id:
            course_ids.append(course_id)
    return sorted(course_ids)


def list_user_files(username, course_id):
    prefix = get_user_folder_path(username, course_id)
    response = s3_client.list_objects_v2(Bucket=SUPABASE_BUCKET_NAME, Prefix=prefix)
    if "Contents" not in response:
        return []
    return [
        {"key": obj["Key"], "size": obj["Size"], "last_modified": obj["LastModified"].isoformat()}
        for obj in response["Contents"]
        if obj["Key"] != prefix
    ]


# ---------------------------------------------------------------------------
# Deletes, copies, folders
# ---------------------------------------------------------------------------


def delete_file_from_s3(bucket_name, file_path):
    try:
        s3_client.delete_object(Bucket=bucket_name, Key=file_path)
        return True
    except ClientError as e:
        print(f"Error deleting {file_path}: {e}")
        return False


def delete_folder_from_s3(bucket_name, folder_path):
    """Delete every object under folder_path, 1000 keys per request."""
    if not folder_path.endswith("/"):
        folder_path += "/"
    paginator = s3_client.get_paginator("list_objects_v2")
    deleted = 0
    try:
        for page in paginator.paginate(Bucket=bucket_name, Prefix=folder_path):
            objects = [{"Key": obj["Key"]} for obj in page.get("Contents", [])]
            for start in range(0, len(objects), DELETE_BATCH_SIZE):
                batch = objects[start:start + DELETE_BATCH_SIZE]
                result = s3_client.delete_objects(
                    Bucket=bucket_name,
                    Delete={"Objects": batch, "Quiet": True},
                )
                for error in result.get("Errors", []):
                    print(f"Could not delete {error['Key']}: {error['Message']}")
                deleted += len(batch) - len(result.get("Errors", []))
    except ClientError as e:
        print(f"Error deleting folder {folder_path}: {e}")
        return False
    print(f"Deleted {deleted} objects under {folder_path}")
    return True


def copy_file_in_s3(bucket_name, source_key, dest_key):
    try:
        s3_client.copy_object(
            Bucket=bucket_name,
            Key=dest_key,
            CopySource={"Bucket": bucket_name, "Key": source_key},
        )
        return True
    except ClientError as e:
        print(f"Error copying {source_key} to {dest_key}: {e}")
        return False


def move_file_in_s3(bucket_name, source_key, dest_key):
    if copy_file_in_s3(bucket_name, source_key, dest_key):
        return delete_file_from_s3(bucket_name, source_key)
    return False


def archive_course(username, course_id):
    """Copy a course to the cold-storage bucket before it is deleted."""
    prefix = get_user_folder_path(username, course_id)
    for key in list_objects_in_folder(SUPABASE_BUCKET_NAME, prefix):
        s3_client.copy_object(
            Bucket="anantra-lms-archive",
            Key=key,
            CopySource=f"{SUPABASE_BUCKET_NAME}/{key}",
        )
    return prefix


def check_and_create_user_folder(bucket_name, username):
    """Make sure the user's placeholder folder object exists."""
    folder_key = get_user_root_path(username)
    try:
        s3_client.head_object(Bucket=bucket_name, Key=folder_key)
        return True
    except ClientError as e:
        if e.response["Error"]["Code"] == "404":
            try:
                s3_client.put_object(Bucket=bucket_name, Key=folder_key, Body=b"")
                print(f"Created folder {folder_key}")
                return True
            except ClientError as create_error:
                print(f"Could not create {folder_key}: {create_error}")
                return False
        print(f"Error checking folder {folder_key}: {e}")
        return False


def create_course_folder(username, course_id):
    folder_key = get_user_folder_path(username, course_id)
    s3_client.put_object(Bucket=SUPABASE_BUCKET_NAME, Key=folder_key, Body=b"")
    return folder_key


def get_storage_health():
    try:
        s3_client.list_objects_v2(Bucket=SUPABASE_BUCKET_NAME, MaxKeys=1)
        return {"ok": True, "bucket": SUPABASE_BUCKET_NAME}
    except NoCredentialsError:
        return {"ok": False, "bucket": SUPABASE_BUCKET_NAME, "error": "missing credentials"}
    except ClientError as e:
        return {"ok": False, "bucket": SUPABASE_BUCKET_NAME, "error": e.response["Error"]["Code"]}
