"""Offline renderers: a session rendered without a clock (:mod:`~calfkit.export.render`) and
written to a file (:mod:`~calfkit.export.wav`)."""
