"""Helpers of the migrate-data benchmark (bench/migrate/run.sh), one sub-command each.

  workload.py seed BUCKET COUNT SIZE      fill a moto bucket with COUNT objects of SIZE bytes
  workload.py ceiling BUCKET COUNT SIZE   the server's own ceiling: COUNT raw uploads of SIZE
                                          bytes then COUNT downloads, 16 in flight, through
                                          SUPABASE_URL; prints {"uploads_per_s", "downloads_per_s"}
  workload.py ceiling-large BUCKET COUNT SIZE
                                          the same for large objects: COUNT resumable (TUS)
                                          uploads in 6 MiB PATCHes, then COUNT standard uploads,
                                          16 in flight; prints {"tus_mb_per_s", "standard_mb_per_s"}
  workload.py script SRC DST JOBS         the straightforward peer: boto3 list + download,
                                          supabase-py upload, a thread pool of JOBS; prints
                                          {"objects", "bytes"}
  workload.py check SRC DST               every object arrived with its bytes (sha256 both sides)

boto3 reads AWS_ENDPOINT_URL and the AWS_* keys; supabase-py SUPABASE_URL and
SUPABASE_SERVICE_ROLE_KEY. Written for this benchmark; the peer script is what a developer
would write first (no retries, no manifest, no verification).
"""

import base64
import hashlib
import json
import os
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import boto3
import httpx
from botocore.config import Config
from supabase import create_client

IN_FLIGHT = 16
TUS_CHUNK = 6 * 1024 * 1024


def s3():
    return boto3.client("s3", config=Config(max_pool_connections=32))


def keys_of(client, bucket):
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for item in page.get("Contents", []):
            yield item["Key"]


def seed(bucket, count, size):
    client = s3()
    block = os.urandom(size)

    def put(i):
        # Distinct bytes per object, so nothing can be deduplicated.
        body = i.to_bytes(8, "big") + block[8:] if size >= 8 else block
        client.put_object(Bucket=bucket, Key=f"bench/{i // 1000:02d}/obj-{i:06d}.bin", Body=body, ContentType="application/octet-stream")

    with ThreadPoolExecutor(IN_FLIGHT) as pool:
        list(pool.map(put, range(count)))


def storage_api():
    """The Storage API's base URL and a per-thread httpx client with the service key."""
    base = os.environ["SUPABASE_URL"].rstrip("/") + "/storage/v1"
    key = os.environ["SUPABASE_SERVICE_ROLE_KEY"]
    headers = {"Authorization": f"Bearer {key}", "apikey": key}
    local = threading.local()

    def http():
        if not hasattr(local, "client"):
            local.client = httpx.Client(headers=headers, timeout=120)
        return local.client

    return base, http


def timed_pool(fn, count):
    start = time.monotonic()
    with ThreadPoolExecutor(IN_FLIGHT) as pool:
        list(pool.map(fn, range(count)))
    return time.monotonic() - start


def ceiling(bucket, count, size):
    base, http = storage_api()
    body = os.urandom(size)

    def upload(i):
        r = http().post(f"{base}/object/{bucket}/ceiling/{i:06d}.bin", content=body, headers={"Content-Type": "application/octet-stream"})
        r.raise_for_status()

    def download(i):
        r = http().get(f"{base}/object/authenticated/{bucket}/ceiling/{i:06d}.bin")
        r.raise_for_status()
        assert len(r.content) == size

    result = {}
    for name, fn in (("uploads_per_s", upload), ("downloads_per_s", download)):
        result[name] = round(count / timed_pool(fn, count), 1)
    print(json.dumps(result))


def ceiling_large(bucket, count, size):
    base, http = storage_api()
    body = os.urandom(size)

    def b64(text):
        return base64.b64encode(text.encode()).decode()

    def tus(i):
        metadata = f"bucketName {b64(bucket)},objectName {b64(f'tus/{i:06d}.bin')},contentType {b64('application/octet-stream')}"
        r = http().post(f"{base}/upload/resumable", headers={"Tus-Resumable": "1.0.0", "Upload-Length": str(size), "Upload-Metadata": metadata, "x-upsert": "true"})
        assert r.status_code == 201, r.text
        url = f"{base}/upload/resumable/" + r.headers["location"].rsplit("/", 1)[1]
        for offset in range(0, size, TUS_CHUNK):
            headers = {"Tus-Resumable": "1.0.0", "Upload-Offset": str(offset), "Content-Type": "application/offset+octet-stream", "x-upsert": "true"}
            r = http().patch(url, content=body[offset : offset + TUS_CHUNK], headers=headers)
            assert r.status_code == 204, r.text

    def standard(i):
        r = http().post(f"{base}/object/{bucket}/standard/{i:06d}.bin", content=body, headers={"Content-Type": "application/octet-stream"})
        r.raise_for_status()

    result = {}
    for name, fn in (("tus_mb_per_s", tus), ("standard_mb_per_s", standard)):
        result[name] = round(count * size / timed_pool(fn, count) / 1e6, 1)
    print(json.dumps(result))


def script(src, dst, jobs):
    client = s3()
    bucket = create_client(os.environ["SUPABASE_URL"], os.environ["SUPABASE_SERVICE_ROLE_KEY"]).storage.from_(dst)
    totals = {"objects": 0, "bytes": 0}
    lock = threading.Lock()

    def copy(key):
        obj = client.get_object(Bucket=src, Key=key)
        data = obj["Body"].read()
        bucket.upload(key, data, {"content-type": obj["ContentType"], "upsert": "true"})
        with lock:
            totals["objects"] += 1
            totals["bytes"] += len(data)

    with ThreadPoolExecutor(jobs) as pool:
        list(pool.map(copy, keys_of(client, src)))
    print(json.dumps(totals))


def check(src, dst):
    client = s3()
    bucket = create_client(os.environ["SUPABASE_URL"], os.environ["SUPABASE_SERVICE_ROLE_KEY"]).storage.from_(dst)

    def same(key):
        a = hashlib.sha256(client.get_object(Bucket=src, Key=key)["Body"].read()).hexdigest()
        b = hashlib.sha256(bucket.download(key)).hexdigest()
        return a == b

    with ThreadPoolExecutor(IN_FLIGHT) as pool:
        results = list(pool.map(same, keys_of(client, src)))
    print(json.dumps({"objects": len(results), "same": sum(results)}))


if __name__ == "__main__":
    command, args = sys.argv[1], sys.argv[2:]
    if command == "seed":
        seed(args[0], int(args[1]), int(args[2]))
    elif command == "ceiling":
        ceiling(args[0], int(args[1]), int(args[2]))
    elif command == "ceiling-large":
        ceiling_large(args[0], int(args[1]), int(args[2]))
    elif command == "script":
        script(args[0], args[1], int(args[2]))
    elif command == "check":
        check(args[0], args[1])
    else:
        sys.exit(f"unknown command {command}")
