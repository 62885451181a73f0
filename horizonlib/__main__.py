"""``python -m horizonlib``: the command line (see horizonlib.build.cli)."""

import sys

from horizonlib.build.cli import main

sys.exit(main())
