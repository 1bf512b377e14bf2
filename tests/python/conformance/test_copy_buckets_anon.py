"""Copy, move, the bucket API and the anon key: rows the call translation (issue 8) relies on.
Notably storage3's copy() sends no x-upsert, so unlike S3's copy_object it cannot overwrite."""

import httpx
import pytest
from storage3.exceptions import StorageApiError
from supabase import create_client

from conftest import auth_headers, env


def api_error(excinfo):
    e = excinfo.value
    return (e.status, e.code, e.message)


def test_copy_and_move(bucket, http, bucket_name, folder):
    bucket.upload(f"{folder}/src.txt", b"source")
    bucket.upload(f"{folder}/taken.txt", b"taken")
    copied = bucket.copy(f"{folder}/src.txt", f"{folder}/dst.txt")
    assert (copied["Key"], copied["name"], copied["user_metadata"]) == (f"{bucket_name}/{folder}/dst.txt", f"{folder}/dst.txt", {})
    assert bucket.download(f"{folder}/dst.txt") == b"source"
    # No overwrite through the python client.
    with pytest.raises(StorageApiError) as e:
        bucket.copy(f"{folder}/src.txt", f"{folder}/taken.txt")
    assert api_error(e) == ("409", "Duplicate", "The resource already exists")
    assert bucket.download(f"{folder}/taken.txt") == b"taken"
    # The REST API overwrites with x-upsert: true.
    body = {"bucketId": bucket_name, "sourceKey": f"{folder}/src.txt", "destinationKey": f"{folder}/taken.txt"}
    r = http.post("/object/copy", json=body)
    assert (r.status_code, r.json()["code"]) == (400, "KeyAlreadyExists")
    r = http.post("/object/copy", json=body, headers={"x-upsert": "true"})
    assert (r.status_code, r.json()["Key"]) == (200, f"{bucket_name}/{folder}/taken.txt")
    assert bucket.download(f"{folder}/taken.txt") == b"source"
    with pytest.raises(StorageApiError) as e:
        bucket.copy(f"{folder}/missing.txt", f"{folder}/x.txt")
    assert api_error(e) == ("404", "not_found", "Object not found")

    assert bucket.move(f"{folder}/dst.txt", f"{folder}/moved.txt") == {"message": "Successfully moved"}
    assert bucket.exists(f"{folder}/dst.txt") is False
    r = http.post("/object/move", json={**body, "sourceKey": f"{folder}/moved.txt"})
    assert (r.status_code, r.json()["statusCode"], r.json()["code"]) == (400, "409", "ResourceAlreadyExists")


def test_bucket_api(storage, bucket_name, folder):
    name = f"b-{folder}"
    assert storage.create_bucket(name) == {"name": name}
    with pytest.raises(StorageApiError) as e:
        storage.create_bucket(name)
    assert api_error(e) == ("409", "Duplicate", "The resource already exists")
    got = storage.get_bucket(name)
    assert (got.name, got.public, got.file_size_limit, got.allowed_mime_types) == (name, False, None, None)
    assert name in [b.name for b in storage.list_buckets()]
    storage.from_(name).upload("x.txt", b"x")
    with pytest.raises(StorageApiError) as e:
        storage.delete_bucket(name)
    assert api_error(e) == ("409", "ResourceNotEmpty", "The bucket you tried to delete is not empty")
    assert storage.empty_bucket(name) == {"message": "Empty bucket has been queued. Completion may take up to an hour."}
    with pytest.raises(StorageApiError) as e:
        storage.get_bucket(f"missing-{folder}")
    assert api_error(e) == ("404", "Bucket not found", "Bucket not found")
    with pytest.raises(StorageApiError) as e:
        storage.create_bucket("bad/name")
    assert api_error(e) == ("400", "Invalid Input", "Bucket name invalid")


def test_anon_key_on_a_private_bucket(bucket, url, bucket_name, folder):
    bucket.upload(f"{folder}/private.txt", b"p")
    anon = create_client(url, env("SUPABASE_ANON_KEY")).storage.from_(bucket_name)
    with pytest.raises(StorageApiError) as e:
        anon.download(f"{folder}/private.txt")
    assert api_error(e) == ("404", "not_found", "Object not found")
    with pytest.raises(StorageApiError) as e:
        anon.upload(f"{folder}/anon.txt", b"a")
    assert api_error(e) == ("403", "Unauthorized", "new row violates row-level security policy")
    r = httpx.get(f"{url}/storage/v1/object/public/{bucket_name}/{folder}/private.txt")
    assert (r.status_code, r.json()["code"]) == (400, "NoSuchBucket")
    # A malformed JWT: uploads and lists are refused; a download says the bucket is missing.
    bad = auth_headers("not.a.jwt")
    r = httpx.post(f"{url}/storage/v1/object/{bucket_name}/{folder}/bad.txt", content=b"x", headers=bad)
    assert (r.status_code, r.json()) == (
        400,
        {"statusCode": "403", "error": "Unauthorized", "message": "JWS Protected Header is invalid", "code": "AccessDenied"},
    )
    r = httpx.post(f"{url}/storage/v1/object/list/{bucket_name}", json={"prefix": ""}, headers=bad)
    assert (r.status_code, r.json()["statusCode"], r.json()["code"]) == (400, "403", "AccessDenied")
    r = httpx.get(f"{url}/storage/v1/object/{bucket_name}/{folder}/private.txt", headers=bad)
    assert (r.status_code, r.json()["statusCode"], r.json()["code"]) == (400, "404", "NoSuchBucket")
