# Broken sample: talks to the Storage server while being imported.
import os

from supabase import create_client

storage = create_client(os.environ["SUPABASE_URL"], os.environ["SUPABASE_SERVICE_ROLE_KEY"]).storage
BUCKETS = storage.list_buckets()
