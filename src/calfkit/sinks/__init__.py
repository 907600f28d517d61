"""Sinks: what the player's events turn into — the live view, plain lines, sounds, speech, an
event log, the practice log. Each follows :class:`calfkit.player.events.Sink`.

Which sinks a session gets is the session layer's choice (:mod:`calfkit.session.outputs`).
Nothing heavy is imported here: each sink's module is imported only when it is used.
"""
