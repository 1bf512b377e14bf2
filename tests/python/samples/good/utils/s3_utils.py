# Hand-made sample of the top of backend/utils/s3_utils.py after the migration
# (tests/python_env.rs checks tests/python/check_rewritten.py against it).
import json
import os

from supabase import Client, create_client
from storage3.exceptions import StorageApiError

SUPABASE_URL = os.getenv("SUPABASE_URL")
SUPABASE_SERVICE_ROLE_KEY = os.getenv("SUPABASE_SERVICE_ROLE_KEY")
SUPABASE_BUCKET_NAME = os.getenv("SUPABASE_BUCKET_NAME", "anantra-lms-store")

supabase: Client = create_client(SUPABASE_URL, SUPABASE_SERVICE_ROLE_KEY)
storage = supabase.storage


def get_json_from_s3(key, bucket_name=SUPABASE_BUCKET_NAME):
    try:
        data = storage.from_(bucket_name).download(key)
        return json.loads(data)
    except StorageApiError as e:
        if str(e.status) == "404":
            return None
        raise
