"""`python -m reader.cli`: the `reader` command."""

import sys

from reader.cli import main

sys.exit(main())
