"""The routine file format: a file read into positioned nodes (:mod:`~calfkit.format.source`),
checked against the format declared once (:mod:`~calfkit.format.spec`) and turned into the
model (:mod:`~calfkit.format.check`); its JSON Schema and its arithmetic (totals, counts)."""
