"""The terminal while a routine plays: keys decoded into commands (:mod:`~calfkit.terminal.keys`)
and the terminal's mode, signals and cursor (:mod:`~calfkit.terminal.mode`)."""
