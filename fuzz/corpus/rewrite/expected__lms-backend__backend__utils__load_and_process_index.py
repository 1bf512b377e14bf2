"""Load a course's FAISS index and text chunks for retrieval-augmented answers."""

import json
import os
import tempfile

import boto3
import faiss
import numpy as np

from utils.s3_utils import (
    ACCESS_KEY,
    SECRET_KEY,
    REGION_NAME,
    read_text_file_from_s3,
)
from utils import s3_utils

INDEX_FILE_NAME = "index.faiss"
CHUNKS_FILE_NAME = "chunks.json"
DEFAULT_TOP_K = 5


def _find_index_keys(contents):
    index_key = None
    chunks_key = None
    for obj in contents:
        key = obj["Key"]
        if key.endswith(INDEX_FILE_NAME):
            index_key = key
        elif key.endswith(CHUNKS_FILE_NAME):
            chunks_key = key
    return index_key, chunks_key


def load_index_from_s3(username, course_id):
    """Fetch index.faiss and chunks.json for a course; (None, []) if not built yet."""
    s3 = boto3.client('s3', aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY, region_name=REGION_NAME)

    prefix = f"user_data/{username}/{course_id}/faiss/"
    response = s3.list_objects_v2(Bucket=s3_utils.SUPABASE_BUCKET_NAME, Prefix=prefix)
    if "Contents" not in response:
        return None, []

    index_key, chunks_key = _find_index_keys(response["Contents"])
    if index_key is None:
        return None, []

    obj = s3.get_object(Bucket=s3_utils.SUPABASE_BUCKET_NAME, Key=index_key)
    index_bytes = obj["Body"].read()

    with tempfile.NamedTemporaryFile(suffix=".faiss", delete=False) as tmp:
        tmp.write(index_bytes)
        tmp_path = tmp.name
    try:
        index = faiss.read_index(tmp_path)
    finally:
        os.remove(tmp_path)

    chunks = []
    if chunks_key is not None:
        raw = read_text_file_from_s3(s3_utils.SUPABASE_BUCKET_NAME, chunks_key)
        if raw:
            chunks = json.loads(raw)
    return index, chunks


def load_index_from_bytes(index_bytes):
    return faiss.deserialize_index(np.frombuffer(index_bytes, dtype=np.uint8))


def search_index(index, chunks, query_embedding, top_k=DEFAULT_TOP_K):
    if index is None or not chunks:
        return []
    query = np.asarray([query_embedding], dtype=np.float32)
    distances, positions = index.search(query, min(top_k, len(chunks)))
    results = []
    for distance, position in zip(distances[0], positions[0]):
        if position < 0:
            continue
        results.append({"text": chunks[position]["text"], "score": float(distance)})
    return results


def load_and_search(username, course_id, query_embedding, top_k=DEFAULT_TOP_K):
    index, chunks = load_index_from_s3(username, course_id)
    return search_index(index, chunks, query_embedding, top_k)
