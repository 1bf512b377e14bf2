# This module intentionally has no code.
# The storage bucket (anantra-lms-store) is configured in s3_utils.
# boto3.client("s3") is not called here either.
