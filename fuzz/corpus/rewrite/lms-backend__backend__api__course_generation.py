"""LLM-backed course generation: outlines, lessons and reference material."""

import json
import logging
import os

import boto3
from openai import OpenAI

from utils import s3_utils

logger = logging.getLogger(__name__)

type CourseId = str

GENERATION_MODEL = os.getenv("OPENAI_GENERATION_MODEL", "gpt-4o")
TEMPLATE_PREFIX = "templates/course-generation/"


def first[T](items: list[T]) -> T:
    if not items:
        raise ValueError("expected at least one item")
    return items[0]


def _openai():
    return OpenAI(api_key=os.getenv("OPENAI_API_KEY"))


def _complete_json(prompt):
    response = _openai().chat.completions.create(
        model=GENERATION_MODEL,
        messages=[{"role": "user", "content": prompt}],
        response_format={"type": "json_object"},
    )
    return json.loads(first(response.choices).message.content)


def load_prompt_template(name):
    """Prompt templates are shared by all users and live under templates/ in anantra-lms-store."""
    text = s3_utils.read_text_file_from_s3("anantra-lms-store", f"{TEMPLATE_PREFIX}{name}.txt")
    if text is None:
        raise FileNotFoundError(f"missing prompt template {name}")
    return text


def generate_course_outline(topic, level="beginner", weeks=4):
    prompt = load_prompt_template("outline").format(topic=topic, level=level, weeks=weeks)
    outline = _complete_json(prompt)
    outline.setdefault("title", topic)
    return outline


def generate_lesson(outline, lesson_no):
    week = outline.get("weeks", [])[lesson_no - 1] if outline.get("weeks") else {}
    prompt = load_prompt_template("lesson").format(
        title=outline.get("title", ""),
        lesson_no=lesson_no,
        week=json.dumps(week),
    )
    return _complete_json(prompt)


def generate_detail(item, excerpts):
    prompt = load_prompt_template("detail").format(
        item=json.dumps(item),
        excerpts="\n---\n".join(excerpts),
    )
    return _complete_json(prompt)


def reference_manifest(course_id: CourseId, keys):
    """One JSON line per reference file, in the format the indexer consumes."""
    lines = []
    for key in keys:
        lines.append(f"{json.dumps({'course': course_id, 'uri': f"s3://anantra-lms-store/{key}"})}")
    return "\n".join(lines) + "\n"


def copy_reference_material(username, course_id: CourseId, source_keys):
    """Copy shared reference PDFs into the course folder."""
    s3 = boto3.session.Session().client("s3")
    dest_prefix = s3_utils.get_course_file_path(username, course_id, "references/")
    copied = []
    for key in source_keys:
        dest_key = dest_prefix + key.rsplit("/", 1)[-1]
        s3.copy_object(
            Bucket="anantra-lms-store",
            Key=dest_key,
            CopySource={"Bucket": "anantra-lms-store", "Key": key},
        )
        copied.append(dest_key)
    manifest = reference_manifest(course_id, copied)
    s3_utils.upload_file_to_s3("anantra-lms-store", dest_prefix + "manifest.jsonl", manifest)
    return copied
