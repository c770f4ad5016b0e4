"""Running cells: what a task's code is told (``context``, with ``measure`` and ``progress``), one cell's stages
(``execution``), the plan of a run (``cells``, ``plan``), its cells here or in worker processes (``scheduler``,
``claims``, ``lifeline``) or as cluster jobs (``cluster``), what a record says of its origin (``provenance``,
``inputs``), and the conformance check that runs a task's cells (``check``)."""
