"""Slide-deck navigation for the in-class view.

Slides are JSON documents in the anantra-lms-store bucket; this module only
computes navigation state and public asset URLs, and never talks to storage
itself: callers pass a ``fetch_json(bucket, key)`` function.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Callable, Optional

logger = logging.getLogger(__name__)

SLIDES_BUCKET = "anantra-lms-store"
SLIDES_PER_SECTION = 8
ASSET_HOSTS = {
    "primary": "anantra-lms-store",
    "cdn": "cdn.anantra.example",
}


@dataclass
class SlidePosition:
    lesson_no: int
    index: int = 0
    total: int = 0
    visited: set[int] = field(default_factory=set)

    @property
    def section(self) -> int:
        return self.index // SLIDES_PER_SECTION

    @property
    def is_last(self) -> bool:
        return self.total > 0 and self.index >= self.total - 1


def asset_url(key: str) -> str:
    return f"https://anantra-lms-store.s3.amazonaws.com/{key}"


def slides_key(username: str, course_id: str, lesson_no: int) -> str:
    return f"user_data/{username}/{course_id}/slides/lesson-{lesson_no}.json"


def load_deck(
    fetch_json: Callable[[str, str], Optional[dict]],
    username: str,
    course_id: str,
    lesson_no: int,
    bucket: str = "anantra-lms-store",
) -> list[dict]:
    deck = fetch_json(bucket, slides_key(username, course_id, lesson_no))
    if deck is None:
        logger.warning("No slides for lesson %d of %s", lesson_no, course_id)
        return []
    slides = deck.get("slides", [])
    for slide in slides:
        if "image_key" in slide:
            slide["image_url"] = asset_url(slide["image_key"])
    return slides


def move(position: SlidePosition, step: int) -> SlidePosition:
    if position.total == 0:
        return position
    new_index = max(0, min(position.total - 1, position.index + step))
    position.visited.add(position.index)
    position.index = new_index
    return position


def jump_to_section(position: SlidePosition, section: int) -> SlidePosition:
    position.visited.add(position.index)
    position.index = min(max(0, section * SLIDES_PER_SECTION), max(0, position.total - 1))
    return position


def progress(position: SlidePosition) -> dict:
    seen = len(position.visited | {position.index}) if position.total else 0
    return {
        "lesson": position.lesson_no,
        "slide": position.index + 1,
        "of": position.total,
        "section": position.section + 1,
        "percent_seen": round(100 * seen / position.total) if position.total else 0,
    }
