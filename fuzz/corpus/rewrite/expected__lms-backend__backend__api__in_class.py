"""In-class assistant: answers student questions during a live lesson.

Context (chat history) is kept by S3ContextManager; retrieval uses the
course's FAISS index stored next to the course JSON.
"""

import json
import os

from flask import Blueprint, jsonify, request
from openai import OpenAI

from functions.slides_navigation import SlidePosition, load_deck, progress
from s3_context_manager import S3ContextManager
from utils import s3_utils
from utils.load_and_process_index import load_and_search

in_class_bp = Blueprint("in_class", __name__)

EMBEDDING_MODEL = "text-embedding-3-small"
CHAT_MODEL = os.getenv("OPENAI_CHAT_MODEL", "gpt-4o-mini")
TRANSCRIPT_BUCKET = s3_utils.SUPABASE_BUCKET_NAME

SYSTEM_PROMPT = (
    "You are a patient teaching assistant. Answer using the lesson excerpts "
    "provided. If the excerpts do not cover the question, say so."
)

_openai = None


def _client():
    global _openai
    if _openai is None:
        _openai = OpenAI(api_key=os.getenv("OPENAI_API_KEY"))
    return _openai


def _embed(text):
    response = _client().embeddings.create(model=EMBEDDING_MODEL, input=[text])
    return response.data[0].embedding


def _log_turn(username, course_id, session_id, question, answer):
    key = s3_utils.get_chat_log_path(username, course_id, session_id)
    line = json.dumps({"q": question, "a": answer})
    s3_utils.append_to_log(s3_utils.SUPABASE_BUCKET_NAME, key, line)


@in_class_bp.route("/<username>/<course_id>/ask", methods=["POST"])
def ask(username, course_id):
    payload = request.get_json(force=True)
    question = payload["question"].strip()
    session_id = payload.get("session_id", "default")

    excerpts = load_and_search(username, course_id, _embed(question), top_k=4)
    context_text = "\n\n".join(e["text"] for e in excerpts)

    with S3ContextManager(username, course_id, session_id) as ctx:
        messages = [{"role": "system", "content": SYSTEM_PROMPT}]
        messages.extend(ctx.messages)
        messages.append({"role": "user", "content": f"Excerpts:\n{context_text}\n\nQuestion: {question}"})
        completion = _client().chat.completions.create(model=CHAT_MODEL, messages=messages)
        answer = completion.choices[0].message.content
        ctx.append("user", question)
        ctx.append("assistant", answer)

    _log_turn(username, course_id, session_id, question, answer)
    return jsonify({"answer": answer, "sources": len(excerpts)})


@in_class_bp.route("/<username>/<course_id>/slides/<int:lesson_no>", methods=["GET"])
def get_slides(username, course_id, lesson_no):
    slides = load_deck(s3_utils.get_json_from_s3, username, course_id, lesson_no, bucket=s3_utils.SUPABASE_BUCKET_NAME)
    if not slides:
        return jsonify({"error": "slides not generated"}), 404
    position = SlidePosition(lesson_no=lesson_no, index=request.args.get("at", 0, type=int), total=len(slides))
    return jsonify({"slides": slides, "progress": progress(position)})


@in_class_bp.route("/<username>/<course_id>/transcript/<session_id>", methods=["GET"])
def get_transcript(username, course_id, session_id):
    key = s3_utils.get_chat_log_path(username, course_id, session_id)
    raw = s3_utils.read_text_file_from_s3(TRANSCRIPT_BUCKET, key) or ""
    turns = [json.loads(line) for line in raw.splitlines() if line.strip()]
    return jsonify({"turns": turns})


@in_class_bp.route("/<username>/<course_id>/sessions", methods=["DELETE"])
def clear_sessions(username, course_id):
    manager = S3ContextManager(username, course_id, session_id="")
    return jsonify({"cleared": manager.clear_all_sessions()})
