import logging
import os

from dotenv import load_dotenv
from flask import Flask, jsonify
from flask_cors import CORS

from api.assistant import assistant_bp
from api.course import course_api_bp
from api.errors import register_error_handlers
from api.in_class import in_class_bp
from routes.course_generation_routes import course_generation_bp
from routes.customize_routes import customize_bp
from routes.delete_course_routes import delete_course_bp
from routes.delete_routes import delete_bp
from routes.upload_routes import upload_bp
from utils import s3_utils

load_dotenv()

logger = logging.getLogger(__name__)

DEFAULT_CONFIG = {
    "MAX_CONTENT_LENGTH": 50 * 1024 * 1024,
    "STORAGE_BUCKET": s3_utils.SUPABASE_BUCKET_NAME,
    "BACKUP_BUCKET": "anantra-lms-store-backup",
    "JSON_SORT_KEYS": False,
}


def create_app(config=None):
    app = Flask(__name__)
    app.config.update(DEFAULT_CONFIG)
    # The bucket can be overridden per deployment — staging points at a copy.
    app.config["STORAGE_BUCKET"] = s3_utils.SUPABASE_BUCKET_NAME
    if config:
        app.config.update(config)

    register_error_handlers(app)
    CORS(app, origins=os.getenv("CORS_ORIGINS", "http://localhost:3000").split(","))

    app.register_blueprint(upload_bp, url_prefix="/api/upload")
    app.register_blueprint(delete_bp, url_prefix="/api/files")
    app.register_blueprint(delete_course_bp, url_prefix="/api/courses")
    app.register_blueprint(customize_bp, url_prefix="/api/customize")
    app.register_blueprint(course_generation_bp, url_prefix="/api/generate")
    app.register_blueprint(course_api_bp, url_prefix="/api/course")
    app.register_blueprint(in_class_bp, url_prefix="/api/class")
    app.register_blueprint(assistant_bp, url_prefix="/api/assistant")

    @app.route("/health")
    def health():
        storage = s3_utils.get_storage_health()
        status = 200 if storage["ok"] else 503
        return jsonify({"status": "ok" if storage["ok"] else "degraded", "storage": storage}), status

    @app.route("/api/users/<username>/init", methods=["POST"])
    def init_user(username):
        # Creates user_data/<username>/ in anantra-lms-store on first login.
        created = s3_utils.check_and_create_user_folder(s3_utils.SUPABASE_BUCKET_NAME, username)
        return jsonify({"created": created})

    logger.info("App created; storage bucket %s", app.config["STORAGE_BUCKET"])
    return app


if __name__ == "__main__":
    create_app().run(host="0.0.0.0", port=int(os.getenv("PORT", "5000")), debug=False)
