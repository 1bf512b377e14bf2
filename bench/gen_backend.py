#!/usr/bin/env python3
"""Generate deterministic, LMS-style Python backends for the s3-to-supabase benchmark.

Every backend looks like the backend described in the migration plan: a Flask-ish
app with routes/, api/, functions/, models/, services/ and a `utils/s3_utils.py`
storage module that defines ``S3_BUCKET_NAME = "anantra-lms-store"``, creates a
``boto3.client("s3", ...)`` and handles ``botocore.exceptions.ClientError``.

Two modes:

* ``--mode mixed`` (default): realistic density. Most files in a backend never
  touch S3; a handful hard-code the bucket name (keyword, positional, f-string,
  default-argument, dict and assignment positions), one module uses boto3
  directly, and the storage module handles ``ClientError``/``NoSuchKey``.
* ``--mode relevant``: every generated file is relevant (contains the bucket
  literal, and most also use boto3 / ClientError).

Output is a pure function of (--seed, --backends, --mode, --files-per-backend):
the same arguments always produce byte-identical trees. Only the standard
library is used.

    python3 bench/gen_backend.py --out DIR --seed 20240601 --backends 20
    python3 bench/gen_backend.py --out DIR --seed 7 --backends 40 --mode relevant
"""

from __future__ import annotations

import argparse
import os
import random
import sys

BUCKET = "anantra-lms-store"

NOUNS = [
    "course", "lesson", "module", "quiz", "student", "instructor", "slide",
    "transcript", "assignment", "rubric", "grade", "enrollment", "cohort",
    "syllabus", "chapter", "video", "note", "flashcard", "document",
    "embedding", "section", "attempt", "feedback", "certificate", "outline",
]
VERBS = [
    "load", "build", "compute", "collect", "render", "validate", "normalize",
    "merge", "resolve", "prepare", "summarize", "filter", "group", "rank",
    "format", "export", "refresh", "sync", "parse", "score",
]
ADJ = ["active", "pending", "archived", "draft", "published", "recent", "user", "raw", "final", "cached"]
FIELDS = [
    "id", "title", "description", "created_at", "updated_at", "owner_id",
    "status", "order", "duration", "score", "tags", "language", "level",
    "course_id", "username", "email", "content", "metadata", "version",
]
LOG_MSGS = [
    "processing %s", "loaded %s items", "skipping %s", "cache miss for %s",
    "finished %s", "retrying %s", "invalid payload for %s", "user %s requested data",
]
EXT = ["json", "txt", "pdf", "md", "faiss", "pkl", "pptx", "csv"]


class Gen:
    """Small code generator; all randomness comes from one seeded Random."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used_names: set[str] = set()

    # -- names ---------------------------------------------------------------
    def pick(self, seq):
        return self.rng.choice(seq)

    def ident(self, parts=2) -> str:
        words = [self.pick(VERBS)] + [self.pick(NOUNS if i % 2 == 0 else ADJ + NOUNS) for i in range(parts - 1)]
        return "_".join(words)

    def fresh_func(self, prefix: str | None = None) -> str:
        for _ in range(1000):
            name = (prefix + "_" if prefix else "") + self.ident(self.rng.randint(2, 3))
            if name not in self.used_names:
                self.used_names.add(name)
                return name
        name = f"helper_{len(self.used_names)}"
        self.used_names.add(name)
        return name

    def var(self) -> str:
        return self.pick(NOUNS) + self.pick(["", "_id", "_data", "_list", "_path", "_key", "_info", "s"])

    def camel(self) -> str:
        return "".join(w.capitalize() for w in (self.pick(ADJ), self.pick(NOUNS), self.pick(["Service", "Manager", "Record", "Schema", "Builder", "View"])))

    def key_expr(self, user="username", course="course_id") -> str:
        sub = self.pick(["content", "slides", "index", "transcripts", "uploads", "quizzes", "notes"])
        fname = self.pick(NOUNS) + "." + self.pick(EXT)
        return self.pick([
            f'f"user_data/{{{user}}}/{{{course}}}/{sub}/{fname}"',
            f'f"user_data/{{{user}}}/{{{course}}}/{fname}"',
            f'"/".join(["user_data", {user}, {course}, "{fname}"])',
            f'os.path.join("user_data", {user}, str({course}), "{sub}", "{fname}")',
        ])

    # -- plain (non-S3) statements ----------------------------------------------
    def plain_stmts(self, ind: str, depth: int, n: int, names: list[str]) -> list[str]:
        out: list[str] = []
        for _ in range(n):
            out.extend(self.plain_stmt(ind, depth, names))
        return out

    def plain_stmt(self, ind: str, depth: int, names: list[str]) -> list[str]:
        r = self.rng
        v = self.var()
        src = self.pick(names) if names else "payload"
        choice = r.randint(0, 11 if depth < 2 else 6)
        if choice == 0:
            names.append(v)
            return [f"{ind}{v} = {src}.get({self.pick(FIELDS)!r}, {self.pick(['None', '[]', '{}', '0', repr('')])})"]
        if choice == 1:
            return [f'{ind}logger.{self.pick(["info", "debug", "warning"])}("{self.pick(LOG_MSGS)}", {src})']
        if choice == 2:
            names.append(v)
            return [f"{ind}{v} = [item for item in {src} if item]"]
        if choice == 3:
            return [f"{ind}if not {src}:", f'{ind}    raise ValueError("{self.pick(FIELDS)} is required")']
        if choice == 4:
            names.append(v)
            f1, f2 = self.pick(FIELDS), self.pick(FIELDS)
            return [f"{ind}{v} = {{", f'{ind}    "{f1}": {src},', f'{ind}    "{f2}": {self.pick(["None", "datetime.utcnow().isoformat()", "len(" + src + ")" , "str(" + src + ")"])},', f"{ind}}}"]
        if choice == 5:
            names.append(v)
            return [f'{ind}{v} = f"{self.pick(NOUNS)}-{{{src}}}-{self.pick(ADJ)}"']
        if choice == 6:
            names.append(v)
            return [f"{ind}{v} = {self.pick(['sorted', 'list', 'len', 'str', 'dict'])}({src})"]
        if choice == 7:
            body = self.plain_stmts(ind + "    ", depth + 1, r.randint(1, 3), names + ["item"])
            return [f"{ind}for item in {src}:"] + body
        if choice == 8:
            body = self.plain_stmts(ind + "    ", depth + 1, r.randint(1, 2), list(names))
            alt = self.plain_stmts(ind + "    ", depth + 1, 1, list(names))
            return [f"{ind}if {src} is not None and {self.pick(['len(' + src + ') > ' + str(r.randint(0, 9)), 'isinstance(' + src + ', dict)', src + ' != ' + repr(self.pick(ADJ))])}:"] + body + [f"{ind}else:"] + alt
        if choice == 9:
            body = self.plain_stmts(ind + "    ", depth + 1, r.randint(1, 2), list(names))
            return [f"{ind}try:"] + body + [
                f"{ind}except ({self.pick(['KeyError', 'ValueError', 'TypeError'])}, {self.pick(['AttributeError', 'IndexError'])}) as exc:",
                f'{ind}    logger.exception("failed to {self.pick(VERBS)} {self.pick(NOUNS)}: %s", exc)',
            ]
        if choice == 10:
            names.append(v)
            return [f'{ind}with open({src}, "r", encoding="utf-8") as fh:', f"{ind}    {v} = json.load(fh)"]
        names.append(v)
        return [f"{ind}{v} = {{k: v for k, v in {src}.items() if k not in ({self.pick(FIELDS)!r}, {self.pick(FIELDS)!r})}}"]

    def plain_function(self, ind: str = "", method: bool = False) -> list[str]:
        name = self.fresh_func()
        params = self.rng.sample(["payload", "user_id", "course_id", "options", "items", "limit", "username", "request_data"], self.rng.randint(1, 3))
        if method:
            params = ["self"] + params
        sig = ", ".join(params) + (", " if params else "") + self.pick(["", "strict=False", "timeout=30", "page_size=50"])
        sig = sig.rstrip(", ")
        lines = [f"{ind}def {name}({sig}):", f'{ind}    """{self.pick(VERBS).capitalize()} the {self.pick(ADJ)} {self.pick(NOUNS)} records."""']
        names = [p for p in params if p != "self"]
        lines += self.plain_stmts(ind + "    ", 0, self.rng.randint(3, 7), names)
        lines.append(f"{ind}    return {self.pick(names) if names else 'None'}")
        return lines

    def plain_class(self) -> list[str]:
        name = self.camel()
        fields = self.rng.sample(FIELDS, self.rng.randint(3, 7))
        lines = ["@dataclass", f"class {name}:", f'    """{self.pick(ADJ).capitalize()} {self.pick(NOUNS)} model."""', ""]
        for f in fields:
            lines.append(f"    {f}: {self.pick(['str', 'int', 'Optional[str]', 'list', 'dict', 'float'])} = {self.pick(['None', 'field(default_factory=list)', 'field(default_factory=dict)', '0', repr('')])}")
        lines.append("")
        lines.append("    def to_dict(self):")
        lines.append("        return {")
        for f in fields:
            lines.append(f'            "{f}": self.{f},')
        lines.append("        }")
        for _ in range(self.rng.randint(1, 2)):
            lines.append("")
            lines += self.plain_function("    ", method=True)
        return lines

    # -- S3-relevant functions ---------------------------------------------------
    def client_error_handler(self, ind: str, what: str, on_missing: str = "return None") -> list[str]:
        form = self.rng.randint(0, 3)
        if form == 0:
            return [
                f"{ind}except ClientError as e:",
                f'{ind}    if e.response["Error"]["Code"] == "NoSuchKey":',
                f'{ind}        logger.warning("{what} not found: %s", key)',
                f"{ind}        {on_missing}",
                f'{ind}    logger.error("S3 error while reading {what}: %s", e)',
                f"{ind}    raise",
            ]
        if form == 1:
            return [
                f"{ind}except ClientError as e:",
                f"{ind}    if e.response['Error']['Code'] in (\"404\", \"NoSuchKey\"):",
                f"{ind}        {on_missing}",
                f"{ind}    raise",
            ]
        if form == 2:
            return [
                f"{ind}except ClientError as err:",
                f'{ind}    error_code = err.response.get("Error", {{}}).get("Code")',
                f'{ind}    if error_code == "NoSuchKey":',
                f"{ind}        {on_missing}",
                f'{ind}    logger.exception("unexpected S3 failure for %s", key)',
                f"{ind}    return False",
            ]
        return [
            f"{ind}except ClientError as e:",
            f'{ind}    print(f"Error handling {what}: {{e}}")',
            f"{ind}    return False",
        ]

    def s3_function(self, client: str, literal_ok: bool = True) -> list[str]:
        """A function that touches storage, hard-coding the bucket in one of several positions."""
        name = self.fresh_func()
        r = self.rng
        key = self.key_expr()
        form = r.randint(0, 9) if literal_ok else 99
        q = self.pick(['"', '"', '"', "'"])
        lit = f"{q}{BUCKET}{q}"
        body: list[str]
        if form == 0:  # keyword argument to a boto3 client call
            body = [
                f"    key = {key}",
                "    try:",
                f"        response = {client}.get_object(Bucket={lit}, Key=key)",
                '        return response["Body"].read().decode("utf-8")',
            ] + self.client_error_handler("    ", self.pick(NOUNS))
            sig = "username, course_id"
        elif form == 1:  # positional argument to an s3_utils helper
            fn = self.pick(["upload_file_to_s3", "read_text_file_from_s3", "get_json_from_s3", "delete_file_from_s3", "read_binary_from_s3"])
            body = [
                f"    key = {key}",
                f"    result = s3_utils.{fn}({lit}, key)",
                "    if not result:",
                f'        logger.info("nothing stored at %s", key)',
                "    return result",
            ]
            sig = "username, course_id"
        elif form == 2:  # f-string containing the bucket
            body = [
                f"    key = {key}",
                f'    url = f"https://{BUCKET}.s3.amazonaws.com/{{key}}"',
                f'    s3_uri = f"s3://{BUCKET}/{{key}}"',
                '    return {"url": url, "uri": s3_uri}',
            ]
            sig = "username, course_id"
        elif form == 3:  # default argument
            body = [
                "    key = f\"user_data/{username}/{course_id}/\"",
                f"    paginator = {client}.get_paginator(\"list_objects_v2\")",
                "    keys = []",
                "    for page in paginator.paginate(Bucket=bucket, Prefix=key):",
                '        for obj in page.get("Contents", []):',
                '            keys.append(obj["Key"])',
                "    return keys",
            ]
            sig = f"username, course_id, bucket={lit}"
        elif form == 4:  # dict literal
            body = [
                f"    key = {key}",
                "    params = {",
                f'        "Bucket": {lit},',
                '        "Key": key,',
                "    }",
                f'    return {client}.generate_presigned_url("get_object", Params=params, ExpiresIn={r.choice([300, 900, 3600])})',
            ]
            sig = "username, course_id"
        elif form == 5:  # local assignment + positional boto3 call
            body = [
                f"    bucket_name = {lit}",
                f"    key = {key}",
                "    try:",
                f"        {client}.download_file(bucket_name, key, local_path)",
                "        return True",
            ] + self.client_error_handler("    ", self.pick(NOUNS), "return False")
            sig = "username, course_id, local_path"
        elif form == 6:  # keyword argument to an s3_utils helper
            body = [
                f"    key = {key}",
                f"    data = json.dumps(payload, indent={r.choice([2, 4])})",
                f"    ok = s3_utils.upload_json_to_s3(data, bucket_name={lit}, key=key)",
                "    return ok",
            ]
            sig = "username, course_id, payload"
        elif form == 7:  # positional to boto3 upload_file
            body = [
                f"    key = {key}",
                "    try:",
                f"        {client}.upload_file(local_path, {lit}, key)",
                "    except ClientError as e:",
                '        logger.error("upload failed: %s", e)',
                "        return None",
                "    return key",
            ]
            sig = "username, course_id, local_path"
        elif form == 8:  # comparison
            body = [
                f"    if bucket != {lit}:",
                '        raise ValueError(f"unexpected bucket {bucket}")',
                f"    return s3_utils.list_objects_in_folder(bucket, prefix)",
            ]
            sig = "bucket, prefix"
        elif form == 9:  # delete_objects with nested dict
            body = [
                "    prefix = f\"user_data/{username}/{course_id}/\"",
                f"    objects = s3_utils.list_objects_in_folder({lit}, prefix)",
                "    if not objects:",
                "        return 0",
                f"    {client}.delete_objects(",
                f"        Bucket={lit},",
                '        Delete={"Objects": [{"Key": k} for k in objects]},',
                "    )",
                "    return len(objects)",
            ]
            sig = "username, course_id"
        else:  # uses the constant only (already migrated style)
            body = [
                f"    key = {key}",
                "    return s3_utils.read_text_file_from_s3(s3_utils.S3_BUCKET_NAME, key)",
            ]
            sig = "username, course_id"
        doc = f'    """{self.pick(VERBS).capitalize()} {self.pick(NOUNS)} data stored in S3."""'
        return [f"def {name}({sig}):", doc] + body

    # -- module assembly ------------------------------------------------------------
    def header(self, kind: str, imports_s3_utils: bool, boto: bool, client_error: bool, models: bool = False) -> list[str]:
        lines = [f'"""{kind.capitalize()} module for the LMS backend ({self.pick(NOUNS)} {self.pick(["handling", "endpoints", "helpers", "logic"])})."""', ""]
        std = ["import json", "import logging", "import os"]
        std += self.rng.sample(["import re", "import time", "import uuid", "import hashlib", "from pathlib import Path"], self.rng.randint(0, 2))
        std.append("from datetime import datetime")
        if models:
            std += ["from dataclasses import dataclass, field", "from typing import Optional"]
        lines += sorted(std)
        lines.append("")
        third = []
        if boto:
            third.append("import boto3")
        if client_error:
            third.append("from botocore.exceptions import ClientError")
        if kind in ("routes", "api"):
            third.append("from flask import Blueprint, jsonify, request")
        if third:
            lines += third + [""]
        local = []
        if imports_s3_utils:
            local.append("from utils import s3_utils")
        if self.rng.random() < 0.5:
            local.append(f"from utils.{self.pick(['text_utils', 'auth_utils', 'date_utils'])} import {self.fresh_func('util')}")
        if local:
            lines += local + [""]
        lines.append("logger = logging.getLogger(__name__)")
        if kind in ("routes", "api"):
            lines.append(f'bp = Blueprint("{self.pick(NOUNS)}_{self.pick(ADJ)}", __name__)')
        return lines

    def route_function(self) -> list[str]:
        path = f"/{self.pick(NOUNS)}s/<{self.pick(['course_id', 'username', 'item_id'])}>/{self.pick(VERBS)}"
        method = self.pick(["GET", "POST", "DELETE", "PUT"])
        lines = [f'@bp.route("{path}", methods=["{method}"])']
        lines += self.plain_function()
        # return a JSON response instead of the raw value
        lines[-1] = lines[-1].replace("    return ", "    return jsonify(") + '), 200'
        return lines

    def module(self, kind: str, relevant: bool, force_import_missing: bool = False) -> str:
        r = self.rng
        client = "s3"
        boto = relevant and r.random() < 0.35
        client_error = relevant
        imports_s3 = (relevant and not force_import_missing) or (not relevant and r.random() < 0.25)
        lines = self.header(kind, imports_s3, boto, client_error, models=(kind == "models"))
        if boto:
            lines += ["", "s3 = boto3.client(", '    "s3",', '    aws_access_key_id=os.getenv("AWS_ACCESS_KEY_ID"),', '    aws_secret_access_key=os.getenv("AWS_SECRET_ACCESS_KEY"),', f'    region_name=os.getenv("AWS_REGION", "{self.pick(["ap-south-1", "us-east-1", "eu-west-1"])}"),', ")"]
        elif relevant:
            client = "s3_utils.s3_client"
        if relevant and r.random() < 0.3:
            lines += ["", f'{self.pick(["BUCKET_NAME", "DEFAULT_BUCKET", "STORAGE_BUCKET"])} = "{BUCKET}"  # TODO: read from env']
        if relevant and r.random() < 0.2:
            # decoys: not the bucket literal, must not be rewritten
            lines += ["", f'ARCHIVE_BUCKET = "{BUCKET}-archive"', f"# Objects live in {BUCKET} under user_data/<username>/<course_id>/"]
        units = r.randint(6, 10)
        s3_units = set(r.sample(range(units), r.randint(1, 3))) if relevant else set()
        for i in range(units):
            lines += ["", ""]
            if i in s3_units:
                lines += self.s3_function(client)
            elif kind == "models" and i % 2 == 0:
                lines += self.plain_class()
            elif kind in ("routes", "api") and r.random() < 0.6:
                lines += self.route_function()
            else:
                lines += self.plain_function()
        return "\n".join(lines) + "\n"

    def s3_utils_module(self) -> str:
        region = self.pick(["ap-south-1", "us-east-1", "eu-west-1"])
        lines = [
            '"""Storage helpers: every S3 access of the backend goes through this module."""',
            "",
            "import io",
            "import json",
            "import logging",
            "import os",
            "",
            "import boto3",
            "from botocore.exceptions import ClientError",
            "",
            "logger = logging.getLogger(__name__)",
            "",
            f'S3_BUCKET_NAME = "{BUCKET}"',
            "",
            "s3_client = boto3.client(",
            '    "s3",',
            '    aws_access_key_id=os.getenv("AWS_ACCESS_KEY_ID"),',
            '    aws_secret_access_key=os.getenv("AWS_SECRET_ACCESS_KEY"),',
            f'    region_name=os.getenv("AWS_REGION", "{region}"),',
            ")",
            "",
            "",
            "def get_user_folder(username, course_id=None):",
            '    if course_id is None:',
            '        return f"user_data/{username}/"',
            '    return f"user_data/{username}/{course_id}/"',
        ]
        ops = [
            ("upload_file_to_s3", "file_path, bucket_name, key", ["        s3_client.upload_file(file_path, bucket_name, key)", "        return True"], "return False"),
            ("read_text_file_from_s3", "bucket_name, key", ["        obj = s3_client.get_object(Bucket=bucket_name, Key=key)", '        return obj["Body"].read().decode("utf-8")'], "return None"),
            ("read_binary_from_s3", "bucket_name, key", ["        obj = s3_client.get_object(Bucket=bucket_name, Key=key)", '        return obj["Body"].read()'], "return None"),
            ("get_json_from_s3", "bucket_name, key", ["        obj = s3_client.get_object(Bucket=bucket_name, Key=key)", '        return json.loads(obj["Body"].read().decode("utf-8"))'], "return None"),
            ("upload_json_to_s3", "data, bucket_name, key", ["        body = data if isinstance(data, str) else json.dumps(data)", '        s3_client.put_object(Bucket=bucket_name, Key=key, Body=body.encode("utf-8"), ContentType="application/json")', "        return True"], "return False"),
            ("upload_faiss_index_to_s3", "index_bytes, bucket_name, key", ["        s3_client.upload_fileobj(io.BytesIO(index_bytes), bucket_name, key)", "        return True"], "return False"),
            ("delete_file_from_s3", "bucket_name, key", ["        s3_client.delete_object(Bucket=bucket_name, Key=key)", "        return True"], "return False"),
            ("download_file_from_s3", "bucket_name, key, local_path", ["        s3_client.download_file(bucket_name, key, local_path)", "        return True"], "return False"),
            ("file_exists_in_s3", "bucket_name, key", ["        s3_client.head_object(Bucket=bucket_name, Key=key)", "        return True"], "return False"),
        ]
        for name, sig, body, missing in ops:
            lines += ["", "", f"def {name}({sig}):", "    try:"] + body + self.client_error_handler("    ", name.split("_")[1], missing)
        lines += [
            "",
            "",
            "def list_objects_in_folder(bucket_name, prefix):",
            "    keys = []",
            '    paginator = s3_client.get_paginator("list_objects_v2")',
            "    try:",
            "        for page in paginator.paginate(Bucket=bucket_name, Prefix=prefix):",
            '            keys.extend(obj["Key"] for obj in page.get("Contents", []))',
            "    except ClientError as e:",
            '        logger.error("list failed for %s: %s", prefix, e)',
            "    return keys",
            "",
            "",
            "def delete_folder_from_s3(bucket_name, prefix):",
            "    keys = list_objects_in_folder(bucket_name, prefix)",
            "    for i in range(0, len(keys), 1000):",
            "        chunk = keys[i:i + 1000]",
            '        s3_client.delete_objects(Bucket=bucket_name, Delete={"Objects": [{"Key": k} for k in chunk]})',
            "    return len(keys)",
            "",
            "",
            "def list_user_course_ids(username):",
            '    prefix = f"user_data/{username}/"',
            f'    resp = s3_client.list_objects_v2(Bucket="{BUCKET}", Prefix=prefix, Delimiter="/")',
            '    return [p["Prefix"][len(prefix):].rstrip("/") for p in resp.get("CommonPrefixes", [])]',
            "",
            "",
            "def check_and_create_user_folder(username, course_id):",
            "    key = get_user_folder(username, course_id)",
            "    try:",
            "        s3_client.head_object(Bucket=S3_BUCKET_NAME, Key=key)",
            "    except ClientError as e:",
            '        if e.response["Error"]["Code"] in ("404", "NoSuchKey"):',
            '            s3_client.put_object(Bucket=S3_BUCKET_NAME, Key=key, Body=b"")',
            "            return True",
            "        raise",
            "    return False",
            "",
            "",
            "def upload_directory_to_s3(local_dir, bucket_name, prefix):",
            "    count = 0",
            "    for root, _dirs, files in os.walk(local_dir):",
            "        for name in files:",
            "            path = os.path.join(root, name)",
            "            rel = os.path.relpath(path, local_dir)",
            '            if upload_file_to_s3(path, bucket_name, f"{prefix}{rel}"):',
            "                count += 1",
            "    return count",
        ]
        for _ in range(self.rng.randint(6, 10)):
            lines += ["", ""] + self.plain_function()
        return "\n".join(lines) + "\n"

    def load_and_process_index_module(self) -> str:
        lines = [
            '"""Loads course content from S3 and builds the FAISS index."""',
            "",
            "import json",
            "import logging",
            "import os",
            "",
            "import boto3",
            "from botocore.exceptions import ClientError",
            "",
            "from utils import s3_utils",
            "",
            "logger = logging.getLogger(__name__)",
            "",
            's3 = boto3.client("s3", region_name=os.getenv("AWS_REGION"))',
            "",
            "",
            "def list_course_documents(username, course_id):",
            '    prefix = f"user_data/{username}/{course_id}/content/"',
            f'    response = s3.list_objects_v2(Bucket="{BUCKET}", Prefix=prefix)',
            '    return [obj["Key"] for obj in response.get("Contents", [])]',
            "",
            "",
            "def load_document(key):",
            "    try:",
            f'        obj = s3.get_object(Bucket="{BUCKET}", Key=key)',
            '        return obj["Body"].read().decode("utf-8")',
        ] + self.client_error_handler("    ", "document") + [
            "",
            "",
            "def load_and_process_index(username, course_id):",
            "    docs = []",
            "    for key in list_course_documents(username, course_id):",
            "        text = load_document(key)",
            "        if text:",
            '            docs.append({"key": key, "text": text})',
            '    index_key = f"user_data/{username}/{course_id}/index/index.faiss"',
            f'    raw = s3_utils.read_binary_from_s3("{BUCKET}", index_key)',
            "    return docs, raw",
        ]
        for _ in range(self.rng.randint(4, 8)):
            lines += ["", ""] + self.plain_function()
        return "\n".join(lines) + "\n"

    def app_module(self, relevant: bool) -> str:
        lines = [
            '"""Application factory."""',
            "",
            "import logging",
            "import os",
            "",
            "from flask import Flask",
            "",
        ]
        if relevant:
            lines += ["from utils import s3_utils", ""]
        lines += ["logger = logging.getLogger(__name__)", "", "", "def create_app(config=None):", "    app = Flask(__name__)", '    app.config["SECRET_KEY"] = os.getenv("SECRET_KEY", "dev")']
        if relevant:
            lines += [f'    app.config["S3_BUCKET"] = "{BUCKET}"', '    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024 * 1024']
        lines += ["    if config:", "        app.config.update(config)", "    return app"]
        for _ in range(self.rng.randint(4, 7)):
            lines += ["", ""] + self.plain_function()
        return "\n".join(lines) + "\n"


RELEVANT_FILES = [
    "routes/upload_routes.py", "routes/delete_course_routes.py", "routes/delete_routes.py",
    "routes/customize_routes.py", "routes/course_generation_routes.py",
    "functions/get_detailed_content.py", "functions/slides_navigation.py",
    "api/course.py", "api/in_class.py", "api/assistant.py", "api/course_generation.py",
]
PLAIN_FILES = [
    "config.py", "utils/text_utils.py", "utils/auth_utils.py", "utils/date_utils.py",
    "routes/auth_routes.py", "routes/user_routes.py", "routes/health_routes.py", "routes/quiz_routes.py",
    "functions/summarize.py", "functions/quiz_generator.py", "functions/prompt_builder.py",
    "api/users.py", "api/analytics.py", "api/chat.py",
    "models/course.py", "models/user.py", "models/lesson.py", "models/enrollment.py", "models/quiz.py",
    "services/email_service.py", "services/payment_service.py", "services/notification_service.py",
    "services/analytics_service.py", "tests/test_quiz_generator.py", "tests/test_auth.py",
]


def kind_of(path: str) -> str:
    return path.split("/")[0] if "/" in path else "module"


def write(root: str, rel: str, text: str) -> None:
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)


def gen_mixed_backend(root: str, rng: random.Random) -> int:
    g = Gen(rng)
    files: dict[str, str] = {}
    for pkg in ("utils", "routes", "functions", "api", "models", "services", "tests"):
        files[f"{pkg}/__init__.py"] = ""
    files["utils/s3_utils.py"] = g.s3_utils_module()
    files["utils/load_and_process_index.py"] = g.load_and_process_index_module()
    relevant = set(rng.sample(RELEVANT_FILES, rng.randint(7, len(RELEVANT_FILES))))
    files["app.py"] = g.app_module(relevant=rng.random() < 0.7)
    missing_import = rng.choice(sorted(relevant))  # one file uses the literal without importing s3_utils
    for rel in RELEVANT_FILES:
        g.used_names.clear()
        files[rel] = g.module(kind_of(rel), rel in relevant, force_import_missing=(rel == missing_import))
    for rel in rng.sample(PLAIN_FILES, rng.randint(len(PLAIN_FILES) - 10, len(PLAIN_FILES))):
        g.used_names.clear()
        files[rel] = g.module(kind_of(rel), False)
    for rel in sorted(files):
        write(root, rel, files[rel])
    return len(files)


def gen_relevant_backend(root: str, rng: random.Random, n_files: int) -> int:
    """Every file contains the bucket literal (and most use ClientError / boto3)."""
    g = Gen(rng)
    files: dict[str, str] = {"utils/s3_utils.py": g.s3_utils_module(), "utils/load_and_process_index.py": g.load_and_process_index_module()}
    kinds = ["routes", "api", "functions", "services"]
    i = 0
    while len(files) < n_files:
        kind = kinds[i % len(kinds)]
        g.used_names.clear()
        files[f"{kind}/{g.pick(NOUNS)}_{g.pick(VERBS)}_{i:03d}.py"] = g.module(kind, True, force_import_missing=(i % 9 == 4))
        i += 1
    for rel in sorted(files):
        write(root, rel, files[rel])
    return len(files)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True, help="output directory (created; existing files are overwritten)")
    ap.add_argument("--seed", type=int, default=20240601)
    ap.add_argument("--backends", type=int, default=20)
    ap.add_argument("--mode", choices=("mixed", "relevant"), default="mixed")
    ap.add_argument("--files-per-backend", type=int, default=25, help="relevant mode only")
    args = ap.parse_args(argv)
    total = 0
    for b in range(args.backends):
        rng = random.Random(args.seed * 1000 + b)
        root = os.path.join(args.out, f"lms_backend_{b:02d}")
        if args.mode == "mixed":
            total += gen_mixed_backend(root, rng)
        else:
            total += gen_relevant_backend(root, rng, args.files_per_backend)
    print(f"generated {total} files in {args.backends} {args.mode} backends under {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
