"""Resumable (TUS 1.0.0) uploads at /storage/v1/upload/resumable through the proxy, with the
raw protocol (httpx): what migrate-data relies on for objects above 6 MiB.

FAULTY_URL_TUS is a proxy whose plan resets the 2nd PATCH after 1 MiB of its body
(tests/live/conformance.rs), to interrupt an upload and resume it with HEAD.
"""

import base64
import httpx
import pytest

from conftest import auth_headers, env

MIB = 1024 * 1024
CHUNK = 6 * MIB
LIMIT = 52428800


def b64(text):
    return base64.b64encode(text.encode()).decode()


def tus_client(base_url, key):
    headers = {**auth_headers(key), "Tus-Resumable": "1.0.0", "x-upsert": "true"}
    return httpx.Client(base_url=base_url + "/storage/v1", headers=headers, timeout=60)


def create(client, bucket, key, length, content_type="application/pdf", cache_control="3600", upsert="true"):
    metadata = f"bucketName {b64(bucket)},objectName {b64(key)},contentType {b64(content_type)},cacheControl {b64(cache_control)}"
    return client.post(
        "/upload/resumable",
        headers={"Upload-Length": str(length), "Upload-Metadata": metadata, "x-upsert": upsert},
    )


def patch(client, location, offset, chunk, upsert="true"):
    return client.patch(
        location,
        content=chunk,
        headers={"Upload-Offset": str(offset), "Content-Type": "application/offset+octet-stream", "x-upsert": upsert},
    )


def payload(n):
    """n bytes that differ at every offset modulo 251, so a misplaced chunk shows."""
    return bytes(i % 251 for i in range(n))


def upload_all(client, location, data, start=0):
    offset = start
    while offset < len(data):
        r = patch(client, location, offset, data[offset : offset + CHUNK])
        assert r.status_code == 204, (r.status_code, r.text)
        assert int(r.headers["upload-offset"]) == min(offset + CHUNK, len(data))
        offset = int(r.headers["upload-offset"])


@pytest.fixture()
def tus(url, service_key):
    with tus_client(url, service_key) as client:
        yield client


def test_options_announce_the_upload_limit(tus):
    r = tus.options("/upload/resumable")
    assert r.status_code == 204
    assert r.headers["tus-resumable"] == "1.0.0"
    assert r.headers["tus-version"] == "1.0.0"
    assert r.headers["tus-max-size"] == str(LIMIT)
    assert r.headers["tus-extension"] == "creation,creation-with-upload,creation-defer-length,termination,expiration"


def test_create_patch_in_chunks_head_and_read_back(tus, url, bucket_name, bucket, folder):
    key = f"{folder}/big.pdf"
    data = payload(13 * MIB + 5)
    r = create(tus, bucket_name, key, len(data))
    assert r.status_code == 201, r.text
    location = r.headers["location"]
    upload_id = location.rsplit("/", 1)[1]
    # The server builds it from the proxy's X-Forwarded-* headers: this host, /storage/v1, http.
    assert location == f"{url}/storage/v1/upload/resumable/{upload_id}"
    assert base64.urlsafe_b64decode(upload_id + "=" * (-len(upload_id) % 4)).decode().startswith(f"{bucket_name}/{key}/")

    head = tus.head(location)
    assert head.status_code == 200
    assert (head.headers["upload-offset"], head.headers["upload-length"]) == ("0", str(len(data)))
    assert head.headers["cache-control"] == "no-store"

    upload_all(tus, location, data)
    head = tus.head(location)
    assert (head.headers["upload-offset"], head.headers["upload-length"]) == (str(len(data)), str(len(data)))

    assert bucket.download(key) == data
    info = bucket.info(key)
    assert (info["size"], info["content_type"], info["cache_control"]) == (len(data), "application/pdf", "max-age=3600")


def test_interrupted_patch_resumes_from_head(bucket_name, bucket, folder, service_key):
    faulty = env("FAULTY_URL_TUS")
    key = f"{folder}/resumed.bin"
    data = payload(3 * CHUNK)
    with tus_client(faulty, service_key) as client:
        r = create(client, bucket_name, key, len(data))
        assert r.status_code == 201, r.text
        location = r.headers["location"]
        assert location.startswith(f"{faulty}/storage/v1/upload/resumable/")
        r = patch(client, location, 0, data[:CHUNK])
        assert r.status_code == 204, r.text
        # The proxy resets the connection after 1 MiB of this PATCH's body.
        with pytest.raises(httpx.TransportError):
            patch(client, location, CHUNK, data[CHUNK : 2 * CHUNK])
        head = client.head(location)
        assert head.status_code == 200, head.text
        offset = int(head.headers["upload-offset"])
        # What reached the server before the reset is kept (never more than was sent).
        assert CHUNK <= offset <= CHUNK + MIB, offset
        upload_all(client, location, data, start=offset)
    assert bucket.download(key) == data


def test_create_over_the_limit_is_refused_at_once(tus, bucket_name, folder):
    r = create(tus, bucket_name, f"{folder}/huge.bin", LIMIT + 1)
    assert r.status_code == 413
    assert r.text == "Maximum size exceeded\n"


def test_non_digit_cache_control_is_stored_as_no_cache(tus, bucket_name, bucket, folder):
    key = f"{folder}/cc.txt"
    r = create(tus, bucket_name, key, 3, content_type="text/plain", cache_control="public, max-age=60")
    assert r.status_code == 201, r.text
    upload_all(tus, r.headers["location"], b"abc")
    info = bucket.info(key)
    assert (info["content_type"], info["cache_control"]) == ("text/plain", "no-cache")


def test_upsert_on_every_request_overwrites(tus, bucket_name, bucket, folder):
    key = f"{folder}/again.bin"
    bucket.upload(key, b"old")
    r = create(tus, bucket_name, key, 4)
    assert r.status_code == 201, r.text
    upload_all(tus, r.headers["location"], b"new!")
    assert bucket.download(key) == b"new!"


def test_upsert_only_on_create_fails_the_last_patch(tus, bucket_name, bucket, folder):
    key = f"{folder}/conflict.bin"
    bucket.upload(key, b"old")
    r = create(tus, bucket_name, key, 4)
    assert r.status_code == 201, r.text
    # The upload stays locked after this answer (later PATCH/HEAD wait 60 s): not touched again.
    last = patch(tus, r.headers["location"], 0, b"new!", upsert="false")
    # TUS answers carry the real status and a plain-text message (not the JSON envelope).
    assert (last.status_code, last.headers["content-type"], last.text) == (
        409,
        "text/plain;charset=UTF-8",
        "The resource already exists",
    )
    assert bucket.download(key) == b"old"
