"""A compiled validator for the report schema: the same check as jsonschema, ~50x faster per report.

fastjsonschema turns the schema into Python code (one function, no interpretation per keyword). Its draft-07
code generator covers every keyword the report schema uses (type, properties, additionalProperties,
required, items, enum, const, pattern, minimum, maximum, format "date"); annotation keywords (title,
description) do not validate and are left out of the generated code, `const` is passed as the equivalent
one-value `enum` (fastjsonschema's short-message mode cannot print a const), and "date" is checked exactly as
jsonschema's FormatChecker checks it. Generating and compiling the code takes ~0.3 s, more than a whole
report, so the compiled code is cached (marshal, keyed by the schema and both versions) under
$IE_CACHE_DIR, else $XDG_CACHE_HOME/ie, else ~/.cache/ie; where no cache can be written it is compiled in
memory each run.

Only the verdict is used: a rejected report is then walked by jsonschema for its messages (ie.schema).
"""
from __future__ import annotations

import datetime
import hashlib
import importlib.util
import json
import marshal
import os
import re
import sys
from pathlib import Path
from typing import Callable

_ANNOTATIONS = frozenset({"title", "description", "$comment", "examples", "$schema", "$id"})
# keys whose value maps names to subschemas (a property may well be called "title")
_NAMED = frozenset({"properties", "patternProperties", "$defs", "definitions"})
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)


def is_date(value) -> bool:
    """jsonschema's "date" format: ASCII YYYY-MM-DD that is a real calendar day; non-strings pass."""
    if not isinstance(value, str):
        return True
    if not _DATE.fullmatch(value):
        return False
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return True


FORMATS = {"date": is_date}


def for_codegen(node):
    """The schema without annotation keywords and with `const` as a one-value `enum`."""
    if isinstance(node, list):
        return [for_codegen(x) for x in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key in _ANNOTATIONS:
            continue
        if key in _NAMED:
            out[key] = {name: for_codegen(sub) for name, sub in value.items()}
        elif key == "const":
            out["enum"] = [value]
        elif key in ("enum", "required"):
            out[key] = value
        else:
            out[key] = for_codegen(value)
    return out


def cache_dir() -> Path:
    env = os.environ.get("IE_CACHE_DIR")
    if env:
        return Path(env)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "ie"


def _code(schema: dict):
    """The compiled code object of the validator module, from the cache when it is there."""
    import fastjsonschema

    prepared = for_codegen(schema)
    text = json.dumps(prepared, sort_keys=True, ensure_ascii=False)
    key = hashlib.sha256("\0".join((text, fastjsonschema.VERSION, sys.version,
                                    importlib.util.MAGIC_NUMBER.hex())).encode()).hexdigest()[:24]
    path = cache_dir() / f"report-schema-{key}.marshal"
    try:
        return marshal.loads(path.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        pass
    source = fastjsonschema.compile_to_code(prepared, use_default=False, detailed_exceptions=False,
                                            formats=FORMATS)
    code = compile(source, "<ie report schema>", "exec")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(marshal.dumps(code))
        os.replace(tmp, path)       # atomic: a parallel worker never reads half a file
    except OSError:
        pass                        # a read-only home: compile each run, still correct
    return code


def compile_validator(schema: dict) -> Callable[[dict], bool]:
    """`valid(report) -> bool` for `schema`; never changes the report (no defaults are filled in)."""
    from fastjsonschema import JsonSchemaValueException

    namespace: dict = {}
    exec(_code(schema), namespace)
    names = [n for n in namespace if n.startswith("validate")]
    func = namespace[names[0]]

    def valid(report: dict) -> bool:
        try:
            func(report, custom_formats=FORMATS)
        except JsonSchemaValueException:
            return False
        return True

    return valid
