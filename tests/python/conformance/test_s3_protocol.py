"""The server's S3-compatible endpoint (STORAGE_S3_PROTOCOL=1), what rclone in the
migrate-data benchmark talks to: at STORAGE_DIRECT_URL/s3 and, as on hosted Supabase,
at SUPABASE_URL/storage/v1/s3 through the gateway (which forwards X-Forwarded-Prefix and the
client's Host, so the signature the client made still verifies)."""

import boto3
import pytest
from botocore.config import Config

from conftest import env


@pytest.fixture(params=["direct", "gateway"])
def s3(request):
    endpoint = env("STORAGE_S3_ENDPOINT") if request.param == "direct" else env("SUPABASE_URL") + "/storage/v1/s3"
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=env("STORAGE_S3_ACCESS_KEY_ID"),
        aws_secret_access_key=env("STORAGE_S3_SECRET_ACCESS_KEY"),
        region_name=env("STORAGE_S3_REGION"),
        config=Config(s3={"addressing_style": "path"}),
    )


def test_put_get_list_through_s3(s3, bucket, bucket_name, folder):
    assert env("STORAGE_S3_REGION") == "local"
    s3.put_object(Bucket=bucket_name, Key=f"{folder}/a/x.csv", Body=b"1,2\n", ContentType="text/csv", CacheControl="max-age=60")
    s3.put_object(Bucket=bucket_name, Key=f"{folder}/b.txt", Body=b"b")
    got = s3.get_object(Bucket=bucket_name, Key=f"{folder}/a/x.csv")
    assert (got["Body"].read(), got["ContentType"], got["CacheControl"]) == (b"1,2\n", "text/csv", "max-age=60")
    listed = s3.list_objects_v2(Bucket=bucket_name, Prefix=f"{folder}/")
    assert [(o["Key"], o["Size"]) for o in listed["Contents"]] == [(f"{folder}/a/x.csv", 4), (f"{folder}/b.txt", 1)]
    # The same objects through the REST API.
    assert bucket.download(f"{folder}/a/x.csv") == b"1,2\n"
    info = bucket.info(f"{folder}/a/x.csv")
    assert (info["content_type"], info["cache_control"]) == ("text/csv", "max-age=60")
