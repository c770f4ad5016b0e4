"""``python -m benchmarks``: the command line (see :mod:`benchmarks.cli`)."""

import sys

from benchmarks.cli import main

sys.exit(main())
