"""Fill an S3 bucket (moto, through boto3) with the objects a migrate-data test copies.

Usage: seed_source.py BUCKET SPEC.json > EXPECTED.json

SPEC is {"seed": int, "small": int, "big": [{"key", "size", "content_type", "cache_control"}],
"placeholders": [keys], "extra": [{"key", "text"}]}: `small` objects of 0-8 KiB across nested
prefixes under data/ (text and binary, several content types and cache-controls, drawn from
`seed`), the `big` ones of the given sizes (bytes drawn from the seed, streamed), zero-byte
placeholder keys, and `extra` small text objects with exact keys (invalid ones, say).
Prints {"objects": {key: {"size", "sha256", "content_type", "cache_control"}}} for every
non-placeholder object. boto3 reads AWS_ENDPOINT_URL and the AWS_* keys from the environment.
"""

import hashlib
import io
import json
import random
import sys
from concurrent.futures import ThreadPoolExecutor

import boto3
from botocore.config import Config

TEXT_TYPES = ["text/plain; charset=utf-8", "application/json", "text/csv"]
BINARY_TYPES = ["application/octet-stream", "image/png", "application/pdf"]
CACHE = [None, "max-age=3600", "public, max-age=60", "no-store"]


class SeededStream(io.RawIOBase):
    """`size` pseudo-random bytes from `seed`, produced as read (no 50 MB buffer)."""

    def __init__(self, seed, size):
        self.rng = random.Random(seed)
        self.left = size
        self.hash = hashlib.sha256()

    def readable(self):
        return True

    def readinto(self, buffer):
        n = min(len(buffer), self.left, 1 << 20)
        if n == 0:
            return 0
        chunk = self.rng.randbytes(n)
        buffer[:n] = chunk
        self.hash.update(chunk)
        self.left -= n
        return n


def small_objects(seed, count):
    rng = random.Random(seed)
    for i in range(count):
        depth = rng.randrange(1, 4)
        folders = "/".join(f"d{rng.randrange(6)}" for _ in range(depth))
        size = rng.choice([0, 1, 17, 512, 4096, rng.randrange(8192)])
        if i % 2 == 0:
            body = "".join(rng.choice("abc xyz\n") for _ in range(size)).encode()
            key = f"data/{folders}/note-{i:05d}.txt"
            content_type = rng.choice(TEXT_TYPES)
        else:
            body = rng.randbytes(size)
            key = f"data/{folders}/blob-{i:05d}.bin"
            content_type = rng.choice(BINARY_TYPES)
        yield key, body, content_type, rng.choice(CACHE)


def main():
    bucket, spec_path = sys.argv[1], sys.argv[2]
    with open(spec_path) as f:
        spec = json.load(f)
    s3 = boto3.client("s3", config=Config(max_pool_connections=16))
    expected = {}

    def put(key, body, content_type, cache_control):
        extra = {"ContentType": content_type}
        if cache_control:
            extra["CacheControl"] = cache_control
        s3.put_object(Bucket=bucket, Key=key, Body=body, **extra)
        return key, {
            "size": len(body),
            "sha256": hashlib.sha256(body).hexdigest(),
            "content_type": content_type,
            "cache_control": cache_control,
        }

    jobs = list(small_objects(spec["seed"], spec["small"]))
    jobs += [(e["key"], e["text"].encode(), "text/plain", None) for e in spec.get("extra", [])]
    jobs += [(key, b"", "application/x-directory", None) for key in spec.get("placeholders", [])]
    with ThreadPoolExecutor(16) as pool:
        for key, info in pool.map(lambda job: put(*job), jobs):
            if not key.endswith("/"):
                expected[key] = info

    for n, big in enumerate(spec.get("big", [])):
        stream = SeededStream(spec["seed"] * 1000 + n, big["size"])
        extra = {"ContentType": big["content_type"]}
        if big.get("cache_control"):
            extra["CacheControl"] = big["cache_control"]
        s3.upload_fileobj(io.BufferedReader(stream, 1 << 20), bucket, big["key"], ExtraArgs=extra)
        expected[big["key"]] = {
            "size": big["size"],
            "sha256": stream.hash.hexdigest(),
            "content_type": big["content_type"],
            "cache_control": big.get("cache_control"),
        }
    json.dump({"objects": expected}, sys.stdout, sort_keys=True)


if __name__ == "__main__":
    main()
