# Uses Python 3.12+ syntax (a nested same-quote f-string): Python 3.11 cannot compile
# this file, so check_rewritten.py must be told with --requires-py312 api/report.py.
import httpx
from postgrest.exceptions import APIError
from supabase import StorageException

from utils import s3_utils


def describe(entry):
    return f"{entry["name"]} ({entry["metadata"]["size"]} bytes)"


def safe_describe(key):
    try:
        return describe(s3_utils.get_json_from_s3(key))
    except (StorageException, APIError, httpx.HTTPError):
        return None
