"""Objects through the pinned supabase-py client (and raw HTTP where the client hides the
answer): the rows of storage-server-observed.md that the migration relies on, with exact
values, so a server or client bump shows what changed."""

import hashlib
import json
import socket
from urllib.parse import quote

import httpx
import pytest
from storage3.exceptions import StorageApiError

LIMIT = 52428800

MISSING_OBJECT = {"statusCode": "404", "error": "not_found", "message": "Object not found", "code": "NoSuchKey"}
MISSING_BUCKET = {"statusCode": "404", "error": "Bucket not found", "message": "Bucket not found", "code": "NoSuchBucket"}
DUPLICATE = {"statusCode": "409", "error": "Duplicate", "message": "The resource already exists", "code": "KeyAlreadyExists"}
TOO_LARGE = {
    "statusCode": "413",
    "error": "Payload too large",
    "message": "The object exceeded the maximum allowed size",
    "code": "EntityTooLarge",
}
REMOVED_ROW_KEYS = {
    "name", "bucket_id", "owner", "owner_id", "version", "id", "updated_at", "created_at",
    "last_accessed_at", "metadata", "user_metadata",
}


def post_reading_early_answer(http, path, body):
    """POST `body` over a plain socket, stop sending when the server stops reading (a send
    blocks for 2 s), then read the answer. httpx sends the whole body first and times out."""
    url = http.base_url
    head = (
        f"POST {url.raw_path.decode().rstrip('/')}{path} HTTP/1.1\r\nHost: {url.host}:{url.port}\r\n"
        f"Authorization: {http.headers['authorization']}\r\nContent-Type: application/octet-stream\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    with socket.create_connection((url.host, url.port), timeout=2) as s:
        s.sendall(head.encode())
        sent = 0
        try:
            while sent < len(body):
                sent += s.send(body[sent : sent + (1 << 20)])
        except (TimeoutError, BrokenPipeError, ConnectionResetError):
            pass
        s.settimeout(30)
        answer = b""
        while b"\r\n\r\n" not in answer:
            answer += s.recv(1 << 16)
        head, _, payload = answer.partition(b"\r\n\r\n")
        lines = head.decode().split("\r\n")
        length = int(next(l.split(":", 1)[1] for l in lines if l.lower().startswith("content-length:")))
        while len(payload) < length:
            payload += s.recv(1 << 16)
    return int(lines[0].split()[1]), payload


def api_error(excinfo):
    e = excinfo.value
    return (e.status, e.code, e.message, e.name)


def test_missing_object(bucket, http, bucket_name, folder):
    key = f"{folder}/nope.txt"
    with pytest.raises(StorageApiError) as e:
        bucket.download(key)
    assert api_error(e) == ("404", "not_found", "Object not found", "StorageApiError")
    assert isinstance(e.value.status, str)
    with pytest.raises(StorageApiError) as e:
        bucket.info(key)
    assert api_error(e) == ("404", "not_found", "Object not found", "StorageApiError")
    assert bucket.exists(key) is False

    r = http.get(f"/object/{bucket_name}/{key}")
    assert (r.status_code, r.json()) == (400, MISSING_OBJECT)
    r = http.get(f"/object/info/{bucket_name}/{key}")
    assert (r.status_code, r.json()) == (400, MISSING_OBJECT)
    r = http.head(f"/object/{bucket_name}/{key}")
    assert (r.status_code, r.content) == (400, b"")


def test_missing_bucket(storage, http, folder):
    missing = storage.from_("no-such-bucket-" + folder)
    with pytest.raises(StorageApiError) as e:
        missing.exists("a.txt")
    assert api_error(e) == ("404", "Bucket not found", "Bucket not found", "StorageApiError")
    with pytest.raises(StorageApiError) as e:
        missing.download("a.txt")
    assert api_error(e) == ("404", "Bucket not found", "Bucket not found", "StorageApiError")
    with pytest.raises(StorageApiError) as e:
        missing.upload("a.txt", b"x")
    assert api_error(e) == ("404", "Bucket not found", "Bucket not found", "StorageApiError")
    r = http.get(f"/object/no-such-bucket-{folder}/a.txt")
    assert (r.status_code, r.json()) == (400, MISSING_BUCKET)
    assert missing.list() == []


def test_duplicate_upload_without_upsert_then_upsert(bucket, http, bucket_name, folder):
    key = f"{folder}/dup.txt"
    first = bucket.upload(key, b"one")
    assert (first.path, first.full_path) == (key, f"{bucket_name}/{key}")
    with pytest.raises(StorageApiError) as e:
        bucket.upload(key, b"two")
    assert api_error(e) == ("409", "Duplicate", "The resource already exists", "StorageApiError")
    assert bucket.download(key) == b"one"

    bucket.upload(key, b"three", {"upsert": "true"})
    assert bucket.download(key) == b"three"

    raw = f"/object/{bucket_name}/{folder}/raw.txt"
    created = http.post(raw, content=b"a", headers={"Content-Type": "text/plain"})
    assert created.status_code == 200
    assert set(created.json()) == {"Key", "Id"}
    assert created.json()["Key"] == f"{bucket_name}/{folder}/raw.txt"
    for header in ({}, {"x-upsert": "false"}):
        r = http.post(raw, content=b"b", headers={"Content-Type": "text/plain", **header})
        assert (r.status_code, r.json()) == (400, DUPLICATE)
    r = http.post(raw, content=b"c", headers={"Content-Type": "text/plain", "x-upsert": "true"})
    assert r.status_code == 200
    assert r.json()["Id"] == created.json()["Id"]
    # PUT does not require the key to exist: it creates it.
    r = http.put(f"/object/{bucket_name}/{folder}/put-new.txt", content=b"p", headers={"Content-Type": "text/plain"})
    assert r.status_code == 200
    assert bucket.download(f"{folder}/put-new.txt") == b"p"


def test_content_type_and_cache_control(bucket, http, bucket_name, folder):
    # What migrate-data sends: raw bodies with the S3 object's Content-Type and Cache-Control.
    r = http.post(
        f"/object/{bucket_name}/{folder}/a.csv",
        content=b"x,y\n",
        headers={"Content-Type": "text/csv;charset=UTF-8", "Cache-Control": "public, max-age=60"},
    )
    assert r.status_code == 200
    info = bucket.info(f"{folder}/a.csv")
    assert (info["content_type"], info["cache_control"], info["size"]) == ("text/csv;charset=UTF-8", "public, max-age=60", 4)
    assert set(info) == {
        "id", "name", "version", "bucket_id", "size", "content_type", "cache_control", "etag",
        "metadata", "last_modified", "created_at",
    }
    assert info["etag"] == '"%s"' % hashlib.md5(b"x,y\n").hexdigest()

    r = http.post(f"/object/{bucket_name}/{folder}/none", content=b"z")
    assert r.status_code == 200
    assert bucket.info(f"{folder}/none")["content_type"] == "application/octet-stream"
    assert bucket.info(f"{folder}/none")["cache_control"] == "no-cache"

    # The python client: its default text/plain;charset=UTF-8 loses the parameter (multipart);
    # its default cacheControl 3600 becomes max-age=3600.
    bucket.upload(f"{folder}/py.txt", b"p")
    info = bucket.info(f"{folder}/py.txt")
    assert (info["content_type"], info["cache_control"]) == ("text/plain", "max-age=3600")
    bucket.upload(f"{folder}/py.json", b"{}", {"content-type": "application/json", "cache-control": "60"})
    info = bucket.info(f"{folder}/py.json")
    assert (info["content_type"], info["cache_control"]) == ("application/json", "max-age=60")

    got = http.get(f"/object/{bucket_name}/{folder}/a.csv")
    assert got.content == b"x,y\n"
    assert got.headers["content-type"] == "text/csv;charset=UTF-8"
    assert got.headers["cache-control"] == "public, max-age=60"
    assert got.headers["etag"] == '"%s"' % hashlib.md5(b"x,y\n").hexdigest()
    assert "content-disposition" not in got.headers


def test_empty_bodies_and_folder_keys(bucket, http, bucket_name, folder):
    bucket.upload(f"{folder}/empty.bin", b"")
    assert bucket.info(f"{folder}/empty.bin")["size"] == 0
    r = http.post(f"/object/{bucket_name}/{folder}/raw-empty", content=b"", headers={"Content-Type": "text/plain"})
    assert r.status_code == 200
    assert http.get(f"/object/{bucket_name}/{folder}/raw-empty").headers["etag"] == '"d41d8cd98f00b204e9800998ecf8427e"'
    # python cannot create a key ending in '/': the multipart part gets filename "".
    with pytest.raises(StorageApiError) as e:
        bucket.upload(f"{folder}/placeholder/", b"")
    assert api_error(e) == ("400", "InvalidRequest", "No content provided", "StorageApiError")
    with pytest.raises(StorageApiError) as e:
        bucket.upload(f"{folder}/placeholder2/", b"data")
    assert api_error(e) == ("400", "InvalidRequest", "No content provided", "StorageApiError")
    # The raw API can.
    r = http.post(f"/object/{bucket_name}/{folder}/emptyfolder/", content=b"")
    assert r.status_code == 200
    assert (set(r.json()), r.json()["Key"]) == ({"Key", "Id"}, f"{bucket_name}/{folder}/emptyfolder/")
    assert bucket.info(f"{folder}/emptyfolder/")["size"] == 0


def test_str_body_is_a_local_path(bucket, folder, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(FileNotFoundError):
        bucket.upload(f"{folder}/text.txt", "some text")
    assert bucket.exists(f"{folder}/text.txt") is False
    (tmp_path / "real.txt").write_bytes(b"from a file")
    bucket.upload(f"{folder}/text.txt", "real.txt")
    assert bucket.download(f"{folder}/text.txt") == b"from a file"


def test_invalid_and_valid_keys(bucket, http, bucket_name, folder):
    # Keys are checked after URL decoding; the python client sends them as given.
    for name, quoted in [("ü.txt", "%C3%BC.txt"), ("a#b.txt", "a%23b.txt"), ("c%d.txt", "c%25d.txt"), ("t~.txt", "t~.txt"), ("x[1].txt", "x[1].txt")]:
        r = http.post(f"/object/{bucket_name}/{folder}/{quoted}", content=b"x")
        assert (r.status_code, r.json()) == (
            400,
            {"statusCode": "400", "error": "InvalidKey", "message": f"Invalid key: {folder}/{name}", "code": "InvalidKey"},
        ), name
    with pytest.raises(StorageApiError) as e:
        bucket.upload(f"{folder}/ü.txt", b"x")
    assert api_error(e) == ("400", "InvalidKey", f"Invalid key: {folder}/ü.txt", "StorageApiError")
    # Every character src/storage/limits.ts allows, in one key.
    name = "Az09 _!.*'()&$=@;:+,?-.txt"
    r = http.post(f"/object/{bucket_name}/{folder}/{quote(name, safe='')}", content=b"ok")
    assert r.status_code == 200, r.text
    assert bucket.download(f"{folder}/{name}") == b"ok"


def test_remove_returns_only_deleted_rows(bucket, http, bucket_name, folder):
    bucket.upload(f"{folder}/keep/a.txt", b"a")
    bucket.upload(f"{folder}/b.txt", b"b")
    removed = bucket.remove([f"{folder}/b.txt", f"{folder}/missing.txt"])
    assert [row["name"] for row in removed] == [f"{folder}/b.txt"]
    assert set(removed[0]) == REMOVED_ROW_KEYS
    assert removed[0]["bucket_id"] == bucket_name
    assert bucket.remove([f"{folder}/missing.txt", f"{folder}/gone.txt"]) == []
    # Folder names are not recursive: exact names only.
    assert bucket.remove([f"{folder}/keep"]) == []
    assert bucket.exists(f"{folder}/keep/a.txt") is True
    r = http.request("DELETE", f"/object/{bucket_name}", json={"prefixes": []})
    assert (r.status_code, r.json()["statusCode"], r.json()["message"]) == (
        400,
        "400",
        "body/prefixes must NOT have fewer than 1 items",
    )
    # No 1000-path cap (REQUEST_HARD_LIMITS_ENABLED is off, as in the CLI's default).
    many = [f"{folder}/m{i}.txt" for i in range(1001)]
    assert bucket.remove(many) == []
    r = http.delete(f"/object/{bucket_name}/{folder}/keep/a.txt")
    assert (r.status_code, r.json()) == (200, {"message": "Successfully deleted"})
    r = http.delete(f"/object/{bucket_name}/{folder}/keep/a.txt")
    assert (r.status_code, r.json()) == (400, MISSING_OBJECT)


def test_signed_urls(bucket, url, folder):
    key = f"{folder}/s.txt"
    bucket.upload(key, b"signed body", {"content-type": "text/plain"})
    signed = bucket.create_signed_url(key, 60)
    assert signed["signedURL"] == signed["signedUrl"]
    assert signed["signedURL"].startswith(f"{url}/storage/v1/object/sign/{bucket.id}/{key}?token=")
    r = httpx.get(signed["signedURL"])
    assert (r.status_code, r.content, r.headers["content-type"]) == (200, b"signed body", "text/plain")
    r = httpx.get(signed["signedURL"] + "&download=")
    assert r.headers["content-disposition"] == "attachment;"

    with pytest.raises(StorageApiError) as e:
        bucket.create_signed_url(f"{folder}/missing.txt", 60)
    assert api_error(e) == ("404", "not_found", "Object not found", "StorageApiError")

    many = bucket.create_signed_urls([key, f"{folder}/missing.txt"], 60)
    assert [(m["path"], m["error"]) for m in many] == [
        (key, None),
        (f"{folder}/missing.txt", "Either the object does not exist or you do not have access to it"),
    ]
    assert many[1]["signedURL"] is None

    bad = signed["signedURL"].split("?token=")[0] + "?token=not-a-jwt"
    r = httpx.get(bad)
    assert (r.status_code, r.json()["statusCode"], r.json()["error"]) == (400, "400", "InvalidJWT")


def test_size_limit(bucket, http, bucket_name, folder):
    exact = bytes(LIMIT)
    bucket.upload(f"{folder}/exact.bin", exact)
    assert bucket.info(f"{folder}/exact.bin")["size"] == LIMIT
    with pytest.raises(StorageApiError) as e:
        bucket.upload(f"{folder}/over.bin", exact + b"\0")
    assert api_error(e) == ("413", "Payload too large", "The object exceeded the maximum allowed size", "StorageApiError")
    # The raw answer comes while the body is still being sent: the server stops reading.
    status, body = post_reading_early_answer(http, f"/object/{bucket_name}/{folder}/over-raw.bin", exact + b"\0")
    assert (status, json.loads(body)) == (400, TOO_LARGE)
    assert bucket.exists(f"{folder}/over.bin") is False
