"""The hostile-input harness: ``python tools/hostile/run.py [--quick] [--family NAME ...]``.

Throws families of hostile cases at the ``kelly`` command line, the config reader, the save
files, the lesson and class-race loaders, the optimal-play cache and running processes (see
harness.py for what each expected outcome means). Prints, per family, how many cases were
tried, handled as promised and failed, then every failure with its reasons. Exit status 0 when
every case was handled, 1 otherwise. ``--quick`` runs a subset (about a minute).

Independent of tests/test_fuzz_cli.py on purpose (designed before reading it).
"""

from __future__ import annotations

import argparse
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parents[1])]

import files_families  # noqa: E402
import input_families  # noqa: E402
from harness import Case, kill_live, run_case  # noqa: E402


def all_families(quick: bool) -> dict[str, list[Case]]:
    families = {name: make() for name, make in files_families.FAMILIES.items()}
    families.update({
        "types": input_families.types_family(),
        "format": input_families.format_family(),
        "lesson params": input_families.lesson_params_family(),
        "numbers": input_families.numbers_family(),
        "outputs": input_families.outputs_family(),
        "scheduler": input_families.scheduler_family(),
        "scores": input_families.scores_loss_family(),
        "session": input_families.session_family(),
        "signals": input_families.signals_family(quick),
    })
    return families


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a subset of every family")
    parser.add_argument("--family", action="append", help="run only this family (repeatable)")
    parser.add_argument("--jobs", type=int, default=2, help="cases run at once (default 2)")
    args = parser.parse_args(argv)
    families = all_families(args.quick)
    if args.family:
        unknown = set(args.family) - set(families)
        if unknown:
            parser.error(f"unknown family {sorted(unknown)}; known: {', '.join(families)}")
        families = {name: families[name] for name in args.family}
    started = time.monotonic()
    try:
        rows, failures = _run(families, args.quick, args.jobs)
    finally:
        kill_live()
    _report(rows, failures, time.monotonic() - started, args.quick)
    return 1 if failures else 0


def _run(families: dict[str, list[Case]], quick: bool, jobs: int):
    failures: list[tuple[str, str, list[str]]] = []
    rows = []
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        for name, cases in families.items():
            chosen = [case for case in cases if case.quick or not quick]
            outcomes = list(pool.map(run_case, chosen))
            paired = zip(chosen, outcomes, strict=True)
            failed = [(case, problems) for case, problems in paired if problems]
            rows.append((name, len(chosen), len(chosen) - len(failed), len(failed)))
            failures += [(name, case.name, problems) for case, problems in failed]
            print(f"  {name}: {len(chosen) - len(failed)}/{len(chosen)} handled", flush=True)
    return rows, failures


def _report(rows, failures, seconds: float, quick: bool) -> None:
    print(f"\nhostile harness ({'quick' if quick else 'full'} run, {seconds:.0f} s)\n")
    print(f"{'family':<15}{'tried':>7}{'handled':>9}{'failed':>8}")
    for name, tried, handled, failed in rows:
        print(f"{name:<15}{tried:>7}{handled:>9}{failed:>8}")
    totals = [sum(row[i] for row in rows) for i in (1, 2, 3)]
    print(f"{'total':<15}{totals[0]:>7}{totals[1]:>9}{totals[2]:>8}")
    if failures:
        print("\nfailures:")
    for family, case, problems in failures:
        print(f"- [{family}] {case}: {'; '.join(problems)}")


if __name__ == "__main__":
    sys.exit(main())
