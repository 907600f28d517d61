"""calfkit: a terminal player for guided lower-leg recovery routines."""

__version__ = "0.1.0"
