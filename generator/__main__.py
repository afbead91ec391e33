"""Run the command line: python -m generator."""

import os
import sys

from generator.cli import main

code = main()
if len(sys.argv) > 1 and sys.argv[1] == "build":
    # A build of 10,000 collectibles leaves a gigabyte of objects that the interpreter would free one by one
    # on the way out (over a second): everything is written and closed by now, so leave at once.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code or 0)
sys.exit(code)
