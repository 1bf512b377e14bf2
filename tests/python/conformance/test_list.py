"""Listing (POST /object/list/B) through the pinned supabase-py client and raw HTTP: one
folder level, 100-entry default pages, folder entries, case-insensitive whole-name prefixes,
the order of entries. What the translated list helpers and migrate-data's walk rely on."""

import pytest
from storage3.exceptions import StorageApiError

FILE_METADATA_KEYS = {"eTag", "size", "mimetype", "cacheControl", "lastModified", "contentLength", "httpStatusCode"}
ENTRY_KEYS = {"name", "id", "updated_at", "created_at", "last_accessed_at", "metadata"}


def put(http, bucket_name, key, body=b"x", content_type="text/plain"):
    r = http.post(f"/object/{bucket_name}/{key}", content=body, headers={"Content-Type": content_type})
    assert r.status_code == 200, (key, r.text)


def names(entries):
    return [e["name"] for e in entries]


def test_one_level_with_folder_entries(bucket, http, bucket_name, folder):
    put(http, bucket_name, f"{folder}/docs/b.txt", b"bb")
    put(http, bucket_name, f"{folder}/docs/sub/c.txt")
    put(http, bucket_name, f"{folder}/top.txt")
    top = bucket.list(folder)
    assert names(top) == ["docs", "top.txt"]
    for entry in top:
        assert set(entry) == ENTRY_KEYS
    docs, top_file = top
    assert (docs["id"], docs["updated_at"], docs["created_at"], docs["last_accessed_at"], docs["metadata"]) == (None,) * 5
    assert top_file["id"] is not None
    assert set(top_file["metadata"]) == FILE_METADATA_KEYS
    assert (top_file["metadata"]["size"], top_file["metadata"]["mimetype"], top_file["metadata"]["httpStatusCode"]) == (1, "text/plain", 200)

    # Names are relative to the prefix; a trailing '/' changes nothing; not recursive.
    assert names(bucket.list(f"{folder}/docs")) == ["b.txt", "sub"]
    assert names(bucket.list(f"{folder}/docs/")) == ["b.txt", "sub"]
    # Only whole folder names match, case-insensitively; a file's own key lists nothing.
    assert names(bucket.list(f"{folder}/DOCS")) == ["b.txt", "sub"]
    assert bucket.list(f"{folder}/do") == []
    assert bucket.list(f"{folder}/docs/b.txt") == []
    assert bucket.list(f"{folder}/missing") == []


def test_pages_of_100_limit_offset_and_search(bucket, http, bucket_name, folder):
    for i in range(150):
        put(http, bucket_name, f"{folder}/p/f{i:03d}.txt")
    # python sends limit 100 unless told otherwise
    assert len(bucket.list(f"{folder}/p")) == 100
    # so does the server when the body has no limit
    r = http.post(f"/object/list/{bucket_name}", json={"prefix": f"{folder}/p"})
    assert (r.status_code, len(r.json())) == (200, 100)
    page2 = bucket.list(f"{folder}/p", {"limit": 100, "offset": 100})
    assert names(page2) == [f"f{i:03d}.txt" for i in range(100, 150)]
    assert bucket.list(f"{folder}/p", {"limit": 100, "offset": 150}) == []
    assert len(bucket.list(f"{folder}/p", {"limit": 1000})) == 150
    assert names(bucket.list(f"{folder}/p", {"limit": 3, "offset": 10})) == ["f010.txt", "f011.txt", "f012.txt"]
    # search: case-insensitive prefix of the entry's name within the folder
    assert names(bucket.list(f"{folder}/p", {"search": "F14"})) == [f"f14{i}.txt" for i in range(10)]
    assert bucket.list(f"{folder}/p", {"search": "49"}) == []

    r = http.post(f"/object/list/{bucket_name}", json={"prefix": f"{folder}/p", "limit": 0})
    assert (r.status_code, r.json()["statusCode"]) == (400, "400")
    r = http.post(f"/object/list/{bucket_name}", json={"limit": 10})
    assert (r.status_code, r.json()["statusCode"], r.json()["error"]) == (400, "400", "Error")


def test_order_interleaves_folders_and_files_by_lowercase_name(bucket, http, bucket_name, folder):
    keys = ["10.txt", "9.txt", "_u.txt", "a b.txt", "a.txt", "A/x.txt", "b.txt", "B.txt", "c/y.txt", "Z.txt"]
    for key in keys:
        put(http, bucket_name, f"{folder}/o/{key}")

    def order(entries):
        # Only lower(name) orders: b.txt and B.txt tie and come in either order.
        got = names(entries)
        return [n.lower() for n in got], sorted(got)

    expected = ["10.txt", "9.txt", "_u.txt", "a b.txt", "a.txt", "A", "b.txt", "B.txt", "c", "Z.txt"]
    assert order(bucket.list(f"{folder}/o")) == ([n.lower() for n in expected], sorted(expected))
    # Other sorts put all folders first.
    by_date = bucket.list(f"{folder}/o", {"sortBy": {"column": "created_at", "order": "asc"}})
    assert set(names(by_date)[:2]) == {"A", "c"}
    assert sorted(names(by_date)) == sorted(expected)
    # Name descending below the root leaves the sub-folders out (v1.70.6; at the root they
    # are listed): never walk a tree in descending order.
    files = [n for n in expected if n not in ("A", "c")][::-1]
    desc = bucket.list(f"{folder}/o", {"sortBy": {"column": "name", "order": "desc"}})
    assert order(desc) == ([n.lower() for n in files], sorted(files))


def test_folder_placeholders(bucket, http, bucket_name, folder):
    put(http, bucket_name, f"{folder}/emptyfolder/", b"")
    put(http, bucket_name, f"{folder}/trail.txt/", b"")
    assert names(bucket.list(folder)) == ["emptyfolder", "trail.txt"]
    assert bucket.list(folder)[0]["id"] is None
    inside = bucket.list(f"{folder}/emptyfolder")
    assert names(inside) == [""]
    assert inside[0]["metadata"]["size"] == 0


def test_missing_bucket_lists_nothing(storage, folder):
    assert storage.from_("no-such-bucket-" + folder).list("") == []
