"""LibCST peer for the s3-to-supabase benchmark.

Replaces every plain string literal whose evaluated value is "anantra-lms-store"
with ``s3_utils.SUPABASE_BUCKET_NAME`` and adds ``from utils import s3_utils``
where needed (AddImportsVisitor). This is the bucket-literal part of the
migration only: it does not touch boto3 clients or ClientError handlers, so it
does strictly less work than ``s3-to-supabase apply``.

bench/run.sh runs it as:

    python -m libcst.tool codemod -x -j2 --no-format libcst_codemod.ReplaceBucketLiteral CORPUS

with PYTHONPATH=bench (``-x`` makes libcst.tool import the command by its
dotted name) from bench/work/libcst/, whose ``.libcst.codemod.yaml`` turns the
formatter off. Use ``-j2``: libcst.tool misparses ``-j 2``.
"""

from __future__ import annotations

import libcst as cst
from libcst.codemod import CodemodContext, VisitorBasedCodemodCommand
from libcst.codemod.visitors import AddImportsVisitor

BUCKET = "anantra-lms-store"
REPLACEMENT = "s3_utils.SUPABASE_BUCKET_NAME"


class ReplaceBucketLiteral(VisitorBasedCodemodCommand):
    DESCRIPTION = f'Replace "{BUCKET}" string literals with {REPLACEMENT}.'

    def __init__(self, context: CodemodContext) -> None:
        super().__init__(context)
        self._replacement = cst.parse_expression(REPLACEMENT)

    def leave_SimpleString(self, original_node: cst.SimpleString, updated_node: cst.SimpleString) -> cst.BaseExpression:
        try:
            value = updated_node.evaluated_value
        except Exception:  # undecodable escape sequences etc.
            return updated_node
        if value != BUCKET:  # bytes literals evaluate to bytes and never match
            return updated_node
        AddImportsVisitor.add_needed_import(self.context, "utils", "s3_utils")
        return self._replacement.deep_clone()
