import boto3
"""HTTP blueprints."""
