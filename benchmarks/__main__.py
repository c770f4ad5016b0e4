"""``python -m benchmarks``: the command line (see :mod:`benchmarks.cli.app`)."""

import sys

from benchmarks.cli.app import main

sys.exit(main())
