#!/usr/bin/env python3
"""Check a directory of rewritten Python (the codemod's output) against the real packages.

Run it with the test venv's python (tests/common/python.rs builds it from
tests/python/requirements.txt):

    python check_rewritten.py DIR [--requires-py312 PATH]... [--import-module DIR:MOD]...
                                  [--stub-module NAME]...

Checks, each printing one line and counting towards the closing line:

(a) every .py file under DIR compiles with compile(). A file that can only fail
    because it uses Python 3.12+ syntax (e.g. nested same-quote f-strings) must be
    named with --requires-py312 PATH (relative to DIR, or absolute); on a Python
    older than 3.12 such a file is not compiled, only its import statements are
    extracted line by line and checked as in (b).
        ok compile utils/s3_utils.py
        FAIL compile api/x.py: SyntaxError: <msg> (line N)
        skip compile api/x.py: requires Python 3.12 (imports checked)   [not counted]
(b) every `import X` / `from X import Y` (absolute, at any depth of the file) whose
    top-level package is one of CHECKED_PACKAGES resolves here: the module imports
    and each imported name exists (attribute, or submodule as `from` does). One
    line per distinct name, in sorted order:
        ok storage3.exceptions.StorageApiError
        FAIL storage3.exceptions.NoSuchThing: no attribute 'NoSuchThing' in module storage3.exceptions (utils/s3_utils.py:3)
        FAIL gotrue: ModuleNotFoundError: No module named 'gotrue' (api/auth.py:1)
    `import a.b` checks module `a.b` (line `ok a.b`); `from a import *` checks `a`.
(c) --import-module DIR:MODNAME imports MODNAME for real with DIR first on sys.path,
    SUPABASE_URL=http://127.0.0.1:54321 and a JWT-shaped SUPABASE_SERVICE_ROLE_KEY,
    AWS_EC2_METADATA_DISABLED=true (a boto3 client left at import must not probe it),
    and every socket connection / DNS lookup refused, proving module-level code such
    as create_client(...) runs without network. --stub-module NAME (repeatable)
    puts a permissive stand-in module into sys.modules first (for third-party
    packages the rewritten module imports that this venv does not have).
        ok import utils.s3_utils
        FAIL import utils.eager: NetworkBlocked: network access attempted: create_connection ('127.0.0.1', 54321)

Closing line: `N passed, M failed`. Exit status 1 if anything failed (or nothing was
checked at all), 0 otherwise; 2 on bad usage.
"""

from __future__ import annotations

import argparse
import ast
import base64
import importlib
import json
import os
import re
import socket
import sys
import textwrap
import traceback
import types
import warnings
from pathlib import Path

# Top-level packages whose imports (b) checks: the Supabase client stack.
CHECKED_PACKAGES = frozenset(
    {
        "supabase",
        "storage3",
        "httpx",
        "postgrest",
        "gotrue",
        "supabase_auth",
        "realtime",
        "supabase_functions",
        "supafunc",
    }
)

SKIP_DIRS = frozenset({"__pycache__", ".git", ".venv", "venv", "node_modules", ".tox"})

SUPABASE_URL = "http://127.0.0.1:54321"


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


# supabase 2.34.1's create_client() only requires a non-empty str key (and a URL
# matching ^https?://.+); a real service-role key is a JWT, so use one shaped like it.
SERVICE_ROLE_KEY = ".".join(
    [
        _b64url(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode()),
        _b64url(
            json.dumps(
                {"iss": "supabase-demo", "role": "service_role", "exp": 1983812996},
                separators=(",", ":"),
            ).encode()
        ),
        _b64url(b"0" * 32),
    ]
)


class Results:
    def __init__(self) -> None:
        self.passed = 0
        self.failed = 0

    def ok(self, what: str) -> None:
        self.passed += 1
        print(f"ok {what}", flush=True)

    def fail(self, what: str, why: str) -> None:
        self.failed += 1
        print(f"FAIL {what}: {why}", flush=True)


def py_files(root: Path) -> list[Path]:
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and not d.startswith("."))
        for f in sorted(filenames):
            if f.endswith(".py"):
                out.append(Path(dirpath) / f)
    return out


def rel(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def one_line(exc: BaseException) -> str:
    msg = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {msg}" if msg else type(exc).__name__


# ---------------------------------------------------------------- import collection


class Imports:
    """(module, name-or-None) -> first location; name None means `import module`."""

    def __init__(self) -> None:
        self.seen: dict[tuple[str, str | None], str] = {}

    def add(self, module: str, name: str | None, where: str) -> None:
        if module.split(".")[0] in CHECKED_PACKAGES:
            self.seen.setdefault((module, name), where)

    def add_tree(self, tree: ast.AST, relpath: str, line_offset: int = 0) -> None:
        for node in ast.walk(tree):
            where = f"{relpath}:{getattr(node, 'lineno', 0) + line_offset}"
            if isinstance(node, ast.Import):
                for alias in node.names:
                    self.add(alias.name, None, where)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                for alias in node.names:
                    self.add(node.module, None if alias.name == "*" else alias.name, where)


_IMPORT_START = re.compile(r"^[ \t]*(?:import[ \t]|from[ \t]+[\w.]+[ \t]+import\b)")


def imports_by_lines(source: str, relpath: str, imports: Imports) -> None:
    """Extract import statements without parsing the whole file (for 3.12-only files)."""
    lines = source.splitlines()
    i = 0
    while i < len(lines):
        if not _IMPORT_START.match(lines[i]):
            i += 1
            continue
        start = i
        stmt = lines[i]
        depth = stmt.count("(") - stmt.count(")")
        while (depth > 0 or stmt.rstrip().endswith("\\")) and i + 1 < len(lines):
            i += 1
            stmt += "\n" + lines[i]
            depth = stmt.count("(") - stmt.count(")")
        i += 1
        text = textwrap.dedent(stmt)
        tree = None
        # `import x; rest` where rest is 3.12-only: fall back to the first statement.
        for candidate in (text, text.split(";")[0]):
            try:
                tree = ast.parse(candidate)
                break
            except SyntaxError:
                pass
        if tree is None:
            continue  # e.g. the word `import` at the start of a line inside a string
        imports.add_tree(tree, relpath, line_offset=start)


# ---------------------------------------------------------------- checks


def check_compile(root: Path, py312: set[Path], results: Results, imports: Imports) -> None:
    old_python = sys.version_info < (3, 12)
    for path in py_files(root):
        relpath = rel(path, root)
        data = path.read_bytes()
        if old_python and path.resolve() in py312:
            print(f"skip compile {relpath}: requires Python 3.12 (imports checked)", flush=True)
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                text = data.decode("latin-1")
            imports_by_lines(text, relpath, imports)
            continue
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                compile(data, str(path), "exec", dont_inherit=True)
                tree = ast.parse(data, filename=str(path))
        except (SyntaxError, ValueError) as exc:
            line = getattr(exc, "lineno", None)
            where = f" (line {line})" if line else ""
            msg = getattr(exc, "msg", None) or str(exc)
            results.fail(f"compile {relpath}", f"{type(exc).__name__}: {msg}{where}")
            continue
        results.ok(f"compile {relpath}")
        imports.add_tree(tree, relpath)


def check_imports(imports: Imports, results: Results) -> None:
    def key(item: tuple[tuple[str, str | None], str]) -> tuple[str, str]:
        (module, name), _ = item
        return (module, name or "")

    for (module, name), where in sorted(imports.seen.items(), key=key):
        label = module if name is None else f"{module}.{name}"
        try:
            mod = importlib.import_module(module)
        except Exception as exc:  # noqa: BLE001 - report whatever the import raised
            results.fail(label, f"{one_line(exc)} ({where})")
            continue
        if name is None:
            results.ok(label)
            continue
        if hasattr(mod, name):
            results.ok(label)
            continue
        # `from pkg import sub` also imports the submodule pkg.sub.
        try:
            importlib.import_module(f"{module}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"{module}.{name}":
                results.fail(label, f"no attribute {name!r} in module {module} ({where})")
            else:
                results.fail(label, f"{one_line(exc)} ({where})")
            continue
        except Exception as exc:  # noqa: BLE001
            results.fail(label, f"{one_line(exc)} ({where})")
            continue
        results.ok(label)


class NetworkBlocked(RuntimeError):
    pass


def block_network() -> None:
    def refuse(what: str, target):
        def f(*args, **kwargs):
            raise NetworkBlocked(f"network access attempted: {what} {target(args)!r}")

        return f

    def address(args):  # connect(self, address), create_connection(address, ...)
        return args[1] if args and isinstance(args[0], socket.socket) else (args[0] if args else None)

    socket.socket.connect = refuse("connect", address)  # type: ignore[method-assign]
    socket.socket.connect_ex = refuse("connect_ex", address)  # type: ignore[method-assign]
    socket.create_connection = refuse("create_connection", address)  # type: ignore[assignment]
    socket.getaddrinfo = refuse("getaddrinfo", lambda a: tuple(a[:2]))  # type: ignore[assignment]


class _Stub(types.ModuleType):
    """A module whose every attribute is a permissive stand-in."""

    def __getattr__(self, attr: str):
        if attr.startswith("__") and attr.endswith("__"):
            raise AttributeError(attr)
        from unittest import mock

        value = mock.MagicMock(name=f"{self.__name__}.{attr}")
        setattr(self, attr, value)
        return value


def install_stubs(names: list[str]) -> None:
    for full in names:
        parts = full.split(".")
        for i in range(1, len(parts) + 1):
            name = ".".join(parts[:i])
            if name not in sys.modules:
                stub = _Stub(name)
                stub.__path__ = []  # a package, so submodules can hang below it
                sys.modules[name] = stub
                if i > 1:
                    setattr(sys.modules[".".join(parts[: i - 1])], parts[i - 1], stub)


def check_module_imports(specs: list[str], stubs: list[str], results: Results) -> None:
    if not specs:
        return
    os.environ["SUPABASE_URL"] = SUPABASE_URL
    os.environ["SUPABASE_SERVICE_ROLE_KEY"] = SERVICE_ROLE_KEY
    # A boto3 client still constructed at import (calls not yet translated) must not
    # look for credentials or a region on the EC2 metadata service.
    os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    install_stubs(stubs)
    block_network()
    for spec in specs:
        directory, _, modname = spec.rpartition(":")
        label = f"import {modname}"
        sys.path.insert(0, str(Path(directory).resolve()))
        try:
            importlib.import_module(modname)
        except BaseException as exc:  # noqa: BLE001 - SystemExit from module code counts too
            results.fail(label, one_line(exc))
            if os.environ.get("CHECK_REWRITTEN_TRACEBACK"):
                traceback.print_exc()
            continue
        finally:
            sys.path.remove(str(Path(directory).resolve()))
        results.ok(label)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dir", type=Path, help="directory of rewritten Python")
    parser.add_argument(
        "--requires-py312",
        action="append",
        default=[],
        metavar="PATH",
        help="a file that uses Python 3.12+ syntax (relative to DIR or absolute)",
    )
    parser.add_argument(
        "--import-module",
        action="append",
        default=[],
        metavar="DIR:MODNAME",
        help="import MODNAME for real with DIR on sys.path, network refused",
    )
    parser.add_argument(
        "--stub-module",
        action="append",
        default=[],
        metavar="NAME",
        help="stand-in module for a dependency absent from this venv (with --import-module)",
    )
    args = parser.parse_args(argv)

    root: Path = args.dir
    if not root.is_dir():
        parser.error(f"not a directory: {root}")
    for spec in args.import_module:
        if ":" not in spec or not spec.rpartition(":")[2]:
            parser.error(f"--import-module wants DIR:MODNAME, got {spec!r}")
    py312 = set()
    for p in args.requires_py312:
        path = Path(p) if Path(p).is_absolute() else root / p
        if not path.is_file():
            parser.error(f"--requires-py312: no such file: {path}")
        py312.add(path.resolve())

    results = Results()
    imports = Imports()
    check_compile(root, py312, results, imports)
    check_imports(imports, results)
    check_module_imports(args.import_module, args.stub_module, results)

    print(f"{results.passed} passed, {results.failed} failed", flush=True)
    return 1 if results.failed or results.passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
