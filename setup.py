"""The repository's ``tasks/`` folder installs as ``benchmarks.tasks``: the suite adds no top-level module
besides ``benchmarks``, so a user's own ``tasks.py`` or ``tasks/`` (an invoke project) cannot shadow it."""

from setuptools import find_namespace_packages, setup

setup(
    packages=find_namespace_packages(include=["benchmarks", "benchmarks.*"], exclude=["*__pycache__*"])
    + ["benchmarks." + name for name in find_namespace_packages(include=["tasks", "tasks.*"], exclude=["*__pycache__*"])],
    package_dir={"benchmarks.tasks": "tasks"},
)
