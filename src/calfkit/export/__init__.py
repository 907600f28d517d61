"""Offline export: the session rendered once without a clock (:mod:`~calfkit.export.render`),
then written by the module for the chosen format, listed in :mod:`~calfkit.export.formats`
(:mod:`~calfkit.export.wav`, :mod:`~calfkit.export.mp3`, :mod:`~calfkit.export.fit`), through a
temporary file (:mod:`~calfkit.export.target`); :mod:`~calfkit.export.run` ties them together."""
