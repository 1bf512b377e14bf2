"""Compare a Supabase bucket, read through supabase-py, with what seed_source.py wrote.

Usage: check_destination.py BUCKET PREFIX EXPECTED.json [KEY_MAP]
Every key under PREFIX is listed (recursively, page by page), downloaded and hashed; its
content type and cache-control come from `info()`. Prints one JSON object:
{"count": n, "missing": [...], "extra": [...], "wrong": [{"key", "field", "expected", "actual"}]}
where expected keys are the source keys with the source prefix `strip` removed and PREFIX
added (argument KEY_MAP is `strip`, default ""). Reads SUPABASE_URL and
SUPABASE_SERVICE_ROLE_KEY from the environment.
"""

import hashlib
import json
import os
import sys

from supabase import create_client

PAGE = 1000


def list_tree(bucket, prefix):
    folders = [prefix.rstrip("/")]
    while folders:
        folder = folders.pop()
        offset = 0
        while True:
            entries = bucket.list(folder, {"limit": PAGE, "offset": offset, "sortBy": {"column": "name", "order": "asc"}})
            for entry in entries:
                path = f"{folder}/{entry['name']}" if folder else entry["name"]
                if entry.get("id") is None:
                    folders.append(path)
                else:
                    yield path
            if len(entries) < PAGE:
                break
            offset += len(entries)


def expected_cache_control(source):
    # S3 objects without one are stored with Supabase's default.
    return source if source else "no-cache"


def main():
    bucket_name, prefix, expected_path = sys.argv[1], sys.argv[2], sys.argv[3]
    strip = sys.argv[4] if len(sys.argv) > 4 else ""
    with open(expected_path) as f:
        expected = json.load(f)["objects"]
    wanted = {prefix + key[len(strip):]: info for key, info in expected.items() if key.startswith(strip)}
    client = create_client(os.environ["SUPABASE_URL"], os.environ["SUPABASE_SERVICE_ROLE_KEY"])
    bucket = client.storage.from_(bucket_name)
    found = sorted(list_tree(bucket, prefix))
    wrong = []
    for key in found:
        if key not in wanted:
            continue
        info = wanted[key]
        body = bucket.download(key)
        meta = bucket.info(key)
        actual = {
            "size": len(body),
            "sha256": hashlib.sha256(body).hexdigest(),
            "content_type": meta.get("content_type"),
            "cache_control": meta.get("cache_control"),
        }
        want = dict(info, cache_control=expected_cache_control(info["cache_control"]))
        for field in ("size", "sha256", "content_type", "cache_control"):
            if actual[field] != want[field]:
                wrong.append({"key": key, "field": field, "expected": want[field], "actual": actual[field]})
    report = {
        "count": len(found),
        "missing": sorted(set(wanted) - set(found)),
        "extra": sorted(set(found) - set(wanted)),
        "wrong": wrong,
    }
    json.dump(report, sys.stdout, sort_keys=True)


if __name__ == "__main__":
    main()
