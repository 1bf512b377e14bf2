# Broken sample: storage3.exceptions has no NoSuchThing, and gotrue is not installed
# (supabase 2.34.1 ships supabase_auth instead).
import os

from supabase import Client, create_client
from storage3.exceptions import NoSuchThing, StorageApiError
import gotrue

SUPABASE_URL = os.getenv("SUPABASE_URL")
SUPABASE_SERVICE_ROLE_KEY = os.getenv("SUPABASE_SERVICE_ROLE_KEY")

supabase: Client = create_client(SUPABASE_URL, SUPABASE_SERVICE_ROLE_KEY)
storage = supabase.storage
