"""``python -m horizonlib``: the command line (see horizonlib.cli)."""

import sys

from horizonlib.cli import main

sys.exit(main())
