"""`ie annotate setup|push|pull|status|serve`: the annotation loop with a Label Studio server.

The server comes from LABEL_STUDIO_URL, the token from LABEL_STUDIO_API_KEY (never printed).
"""
from __future__ import annotations

import argparse
import sys

from ie.paths import ANNOTATIONS_DIR

DEFAULT_OUT = ANNOTATIONS_DIR / "corpus"


def register(subparsers) -> None:
    p = subparsers.add_parser("annotate", help="annotation loop with Label Studio (setup, push, pull, status, serve)",
                              description=__doc__)
    sub = p.add_subparsers(dest="annotate_command", required=True, metavar="ACTION")

    s = sub.add_parser("setup", help="create the project or update its title and labeling config")
    s.add_argument("--project", required=True, help="project title")
    s.set_defaults(func=run_setup)

    s = sub.add_parser("push", help="create/update one task per report, with one pre-annotation each")
    s.add_argument("--project", required=True, help="project title")
    s.add_argument("paths", nargs="+", metavar="FILE_OR_DIR", help="reports, or folders of reports")
    src = s.add_mutually_exclusive_group()
    src.add_argument("--model", help="pre-annotate with this trained model directory")
    src.add_argument("--rules", action="store_true",
                     help="pre-annotate with the regex rules (default when there is no ie/default_model)")
    s.add_argument("--no-progress", action="store_true")
    s.set_defaults(func=run_push)

    s = sub.add_parser("pull", help="write each annotated task to OUT/<doc_id>.json, never replacing a newer one")
    s.add_argument("--project", required=True, help="project title")
    s.add_argument("--out", default=str(DEFAULT_OUT), help=f"folder (default {DEFAULT_OUT})")
    s.add_argument("--no-progress", action="store_true")
    s.set_defaults(func=run_pull)

    s = sub.add_parser("status", help="tasks annotated and the share of pre-annotated spans accepted unchanged")
    s.add_argument("--project", required=True, help="project title")
    s.set_defaults(func=run_status)

    from ie.annotate import backend       # `ie annotate serve` (the ML backend) lives there
    backend.register(sub)


def _api():
    from ie.annotate.client import Api
    return Api.from_env()


def _guard(fn):
    """Turn expected failures into one line on stderr and exit code 2 (no traceback that might hold a URL token)."""
    def wrapper(args: argparse.Namespace) -> int:
        from ie.annotate.client import AnnotateError
        try:
            return fn(args)
        except (AnnotateError, FileNotFoundError, ValueError, ImportError) as exc:
            print(f"ie annotate: {exc}", file=sys.stderr)
            return 2
    return wrapper


def _report(lines: list[str], title: str) -> None:
    if lines:
        print(f"{title}:", file=sys.stderr)
        for line in lines:
            print(f"  {line}", file=sys.stderr)


@_guard
def run_setup(args) -> int:
    from ie.annotate.config import label_config

    pid, created = _api().ensure_project(args.project, label_config(),
                                         description="Spans in government information-disclosure annual reports; "
                                                     "see annotations/GUIDELINES.md")
    print(f"{'created' if created else 'updated'} project {args.project!r} (id {pid})")
    return 0


@_guard
def run_push(args) -> int:
    from ie.annotate import sync

    api = _api()
    pid = api.project_id(args.project)
    source = sync.default_source(args.model, args.rules)
    print(f"pre-annotating with {source.version}", file=sys.stderr)
    res = sync.push(api, pid, args.paths, source, progress=not args.no_progress)
    _report(res.failed, "failed")
    print(res.summary())
    return 1 if res.failed else 0


@_guard
def run_pull(args) -> int:
    from ie.annotate import sync

    api = _api()
    res = sync.pull(api, api.project_id(args.project), args.out, progress=not args.no_progress)
    _report(res.conflicts, "not replaced (text differs)")
    _report(res.invalid, "invalid annotations (fix them in Label Studio)")
    print(res.summary())
    return 1 if res.conflicts or res.invalid else 0


@_guard
def run_status(args) -> int:
    from ie.annotate import sync

    api = _api()
    print(sync.status(api, api.project_id(args.project)).summary())
    return 0
