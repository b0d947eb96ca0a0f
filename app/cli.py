"""`claimdesk`: no arguments opens the window; subcommands do the same work headless."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from app import __version__
from app.errors import ClaimDeskError
from app.paths import default_db_path, log_dir

log = logging.getLogger("claimdesk")

Handler = Callable[[argparse.Namespace], int]
_COMMANDS: dict[str, tuple[str, Callable[[argparse.ArgumentParser], None], Handler]] = {}


def command(name: str, help_text: str, configure: Callable[[argparse.ArgumentParser], None] | None = None):
    """Register a subcommand; modules of later features add theirs the same way."""

    def wrap(fn: Handler) -> Handler:
        _COMMANDS[name] = (help_text, configure or (lambda p: None), fn)
        return fn

    return wrap


def _db_option(parser: argparse.ArgumentParser, top: bool) -> None:
    # Accepted before or after the subcommand: the subparser's value wins when given twice.
    parser.add_argument(
        "--db",
        type=Path,
        default=None if top else argparse.SUPPRESS,
        metavar="PATH",
        help="practice database file (default: $CLAIMDESK_DB or the user's ClaimDesk database)",
    )


def add_db_option(parser: argparse.ArgumentParser) -> None:
    """For nested actions (`claimdesk codes search ... --db X`): accepted there too."""
    _db_option(parser, top=False)


def build_parser() -> argparse.ArgumentParser:
    import app.commands  # noqa: F401 - registers the subcommands

    parser = argparse.ArgumentParser(
        prog="claimdesk",
        description="ClaimDesk: offline coding and billing workstation. With no command, opens the window.",
    )
    parser.add_argument("--version", action="version", version=f"ClaimDesk {__version__}")
    _db_option(parser, top=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (help_text, configure, _fn) in sorted(_COMMANDS.items()):
        p = sub.add_parser(name, help=help_text, description=help_text)
        _db_option(p, top=False)
        configure(p)
    return parser


def db_path(args: argparse.Namespace) -> Path:
    return Path(args.db) if getattr(args, "db", None) else default_db_path()


def print_json(value: object) -> None:
    print(json.dumps(value, indent=2, default=str))


def _setup_logging() -> None:
    handlers: list[logging.Handler] = []
    try:
        directory = log_dir()
        directory.mkdir(parents=True, exist_ok=True)
        handlers.append(logging.FileHandler(directory / "claimdesk.log", encoding="utf-8"))
    except OSError:
        pass
    logging.basicConfig(
        level=logging.INFO,
        handlers=handlers or [logging.NullHandler()],
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )


def main(argv: Sequence[str] | None = None) -> int:
    _setup_logging()
    parser = build_parser()
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        if not args.command:
            from ui.app import run_gui

            return run_gui(db_path(args))
        _help, _configure, handler = _COMMANDS[args.command]
        return handler(args)
    except ClaimDeskError as exc:
        log.info("command %s failed: %s", args.command, type(exc).__name__)
        print(f"claimdesk: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # Output piped into `head` and the like: stop quietly, as command-line tools do.
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - replaced for the rest of the process
        return 0
    except KeyboardInterrupt:
        print("claimdesk: interrupted; nothing was committed by the unfinished step", file=sys.stderr)
        return 130
    finally:
        log.info("command %s took %.2fs", args.command or "gui", time.perf_counter() - started)
