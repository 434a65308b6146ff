"""``kelly report``: the classroom handout, CSVs, PNGs and index.html in one folder."""

from __future__ import annotations

import argparse
from pathlib import Path

from sim.cli.context import RunContext
from sim.cli.options import add_common
from sim.i18n import gettext as _
from sim.i18n import ngettext

NAME = "report"
HELP = "the classroom handout: CSVs, PNGs and index.html"
DESCRIPTION = (
    "Run a fixed set of analyses with a fixed seed (a sweep at p = 0.6, a fan chart of "
    "Kelly, half Kelly, double Kelly and all-in, a horse race) and write their CSVs and "
    "PNGs with index.html and report.md, one sentence per figure."
)
EXAMPLES = (
    "  kelly report --out report\n"
    "  kelly report --out /tmp/handout --seed 7\n"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lesson", metavar="LANG|FILE", default="en",
                        help="classroom lesson whose step figures go in DIR/lesson/: a shipped "
                             "language (en, zh-TW), a lesson TOML file, or 'none' (default: en)")
    parser.add_argument("--out", metavar="DIR", default="report",
                        help="folder for the handout (created if missing)")
    add_common(parser)


def run(ctx: RunContext, args: argparse.Namespace) -> int:
    from sim.report import build_report

    if not str(args.out).strip():
        raise ValueError(_("--out {value}: the folder name is empty").format(value=repr(args.out)))
    if args.scheduler is not None:
        raise ValueError(_("--scheduler {value}: the handout runs here (use --workers)")
                         .format(value=repr(args.scheduler)))
    ctx.log.folder = args.out
    written = build_report(
        Path(args.out), seed=args.seed, workers=args.workers, progress=ctx.progress,
        lesson=None if args.lesson == "none" else args.lesson,
    )
    ctx.note(ngettext("wrote {count} file to {folder}/ (open {index})",
                      "wrote {count} files to {folder}/ (open {index})", len(written))
             .format(count=len(written), folder=args.out, index=Path(args.out) / "index.html"))
    return 0
