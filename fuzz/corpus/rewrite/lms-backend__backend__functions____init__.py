"""Course content helpers called by the API layer."""
