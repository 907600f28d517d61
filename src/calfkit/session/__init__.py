"""The session layer, between the command line and the sinks and export: one
:class:`~calfkit.session.settings.Settings` for how a session plays or exports,
:func:`~calfkit.session.play.play` to play it in the terminal, and
:func:`~calfkit.session.export.export` to render it to a file. Nothing here imports click.
"""
