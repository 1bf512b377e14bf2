"""A regular module inside a directory whose name ends in .py."""

BUCKET = "anantra-lms-store"
