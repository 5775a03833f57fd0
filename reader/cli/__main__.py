"""`python -m reader.cli`: the `reader` command."""

import sys

from reader.cli import main

if __name__ == "__main__":  # not when a process the import starts (spawn) loads this module again
    sys.exit(main())
