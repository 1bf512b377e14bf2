"""HTTP error types for the JSON API.

Note: ``ClientError`` here is the API's own "the caller did something wrong"
error (HTTP 4xx). It has nothing to do with botocore.exceptions.ClientError,
which boto3 raises for S3 failures.
"""


class APIError(Exception):
    status_code = 500

    def __init__(self, message, status_code=None, payload=None):
        super().__init__(message)
        self.message = message
        if status_code is not None:
            self.status_code = status_code
        self.payload = payload or {}

    def to_dict(self):
        body = dict(self.payload)
        body["error"] = self.message
        return body


class ClientError(APIError):
    """A 4xx error caused by the request (bad input, missing resource)."""

    status_code = 400


class NotFoundError(ClientError):
    status_code = 404


class ServerError(APIError):
    status_code = 500


def register_error_handlers(app):
    from flask import jsonify

    @app.errorhandler(APIError)
    def handle_api_error(error):
        response = jsonify(error.to_dict())
        response.status_code = error.status_code
        return response
