"""Lets ``python -m calfkit`` run the command line."""

import sys

from calfkit.cli import main

sys.exit(main())
