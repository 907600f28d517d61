"""Lets ``python -m calfkit`` run the command line."""

from calfkit.cli import main

main()
