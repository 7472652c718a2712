"""`ie` command line: one subcommand per stage a user drives.

Each subcommand lives in the module that does the work and exposes `register(subparsers)`; modules are
imported lazily so that `ie extract --help` does not pay for importing torch.
"""
from __future__ import annotations

import argparse
import importlib
import sys

# subcommand -> module exposing register(subparsers)
COMMANDS = {
    "extract": "ie.extract",
    "tag": "ie.tag.cli",
    "train": "ie.tag.train",
    "pretrain": "ie.tag.pretrain",
    "export-onnx": "ie.tag.onnx",
    "annotate": "ie.annotate.cli",
    "evaluate": "ie.evaluate",
    "view": "ie.view",
}


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    from ie import SCHEMA_VERSION, __version__

    parser = argparse.ArgumentParser(prog="ie", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version",
                        version=f"ie {__version__} (report schema {SCHEMA_VERSION})")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, module in COMMANDS.items():
        if only is not None and name != only:
            # keep the name listed in --help without importing its module
            sub.add_parser(name, help=f"see `ie {name} --help`", add_help=False)
            continue
        importlib.import_module(module).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    only = argv[0] if argv and argv[0] in COMMANDS else None
    if argv[:1] == ["--version"]:
        only = ""               # no subcommand module needs importing to print the version
    args = build_parser(only).parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
