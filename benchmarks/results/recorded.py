"""Re-recording the reference runs kept in ``baselines/recorded/`` (``make record``).

``python -m benchmarks.results.recorded RESULTS [BASELINES]`` copies the ``ok`` records of a results
folder (default and smoke runs of every task, one seed) and their figures into
``BASELINES/recorded/`` in the results layout, replacing what was recorded before for the same
tasks, and writes ``BASELINES/recorded-machine.json``: this machine's time for the calibration workload
(:mod:`benchmarks.results.calibration`), with the commit and machine the records name. The leaderboard
shows these records as ``recorded`` rows beside new runs on the same data set, and the run plan
scales their times to the machine it runs on.
"""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

from benchmarks.records.store import figure_path, read_records, record_relative_path, write_json_atomic
from benchmarks.results import calibration
from benchmarks.results.baselines import default_folder


def record(results: Path, baselines: Path) -> tuple[list[Path], list[str]]:
    """Copy the ok records (and figures) of ``results`` into ``baselines/recorded``; returns the files written
    and one line per record not kept (failed, or from a tree with uncommitted changes)."""
    records, warnings = read_records(Path(results))
    target = Path(baselines) / "recorded"
    ok = [r for r in records if r["status"] == "ok"]
    skipped = [f"{r['task']}/{r['size']}/{r['method']} seed {r['seed']}: {r['status']}, not recorded"
               for r in records if r["status"] != "ok"]
    for task in sorted({r["task"] for r in ok}):
        shutil.rmtree(target / task, ignore_errors=True)  # a re-recorded task replaces its old records
    written = []
    for entry in ok:
        path = target / record_relative_path(entry)
        figure = figure_path(entry)
        clean = {k: v for k, v in entry.items() if k != "_path"}
        write_json_atomic(path, clean)
        written.append(path)
        if figure is not None and figure.is_file():
            shutil.copyfile(figure, path.parent / figure.name)
            written.append(path.parent / figure.name)
    # The commits of every task's records, those kept from earlier recordings included.
    kept, _ = read_records(target)
    commits = sorted({str(((r.get("provenance") or {}).get("git") or {}).get("commit")) for r in kept})
    dirty = any(((r.get("provenance") or {}).get("git") or {}).get("dirty") for r in kept)
    if any(((r.get("provenance") or {}).get("git") or {}).get("dirty") for r in ok):
        skipped.append("some records come from a tree with uncommitted changes: record again from a clean commit")
    machine = next(iter(ok), {}).get("provenance") or {}
    write_json_atomic(Path(baselines) / calibration.CALIBRATION_FILE, {
        "seconds": calibration.measure(), "commits": commits, "dirty": dirty,
        "cpu": machine.get("cpu"), "cpu_cores": machine.get("cpu_cores"), "hostname": machine.get("hostname"),
    })
    return written, [*warnings, *skipped]


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m benchmarks.results.recorded RESULTS [BASELINES]``; exit 1 when nothing was recorded."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or len(args) > 2 or not Path(args[0]).is_dir():
        print("usage: python -m benchmarks.results.recorded RESULTS [BASELINES] (RESULTS: a results folder)", file=sys.stderr)
        return 2
    baselines = Path(args[1]) if len(args) > 1 else default_folder()
    written, problems = record(Path(args[0]), baselines)
    for problem in problems:
        print(f"warning: {problem}", file=sys.stderr)
    records = [p for p in written if p.suffix == ".json"]
    print(f"recorded {len(records)} runs in {baselines / 'recorded'}")
    print(json.dumps(json.loads((baselines / calibration.CALIBRATION_FILE).read_text())))
    return 0 if records else 1


if __name__ == "__main__":
    sys.exit(main())
