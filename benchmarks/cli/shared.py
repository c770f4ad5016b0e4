"""What several commands do: find the tasks (saying which could not be loaded), and record cluster jobs that died."""

from __future__ import annotations

from rich.console import Console

from benchmarks.contract.registry import Registry, discover
from benchmarks.records.store import ResultStore
from benchmarks.running import cluster
from benchmarks.running.execution import RunSetup


def registry_of(console: Console) -> Registry:
    """Every task found; a warning line for each that could not be loaded."""
    registry = discover()
    for origin, error in registry.broken.items():
        console.print(f"[red]warning:[/red] task {origin} could not be loaded: {error.strip().splitlines()[-1]}")
    return registry


def reconcile_jobs(store: ResultStore, registry: Registry, setup: RunSetup, console: Console) -> None:
    """Failed records for jobs of earlier --no-wait runs that died without writing one."""
    from dataclasses import replace

    for record in cluster.reconcile(store, registry, lambda run_id: replace(setup, run_id=run_id)):
        console.print(f"[red]job failed[/red] {record['task']}/{record['size']}/{record['method']} "
                      f"seed {record['seed']}: {record['error']}", highlight=False)
