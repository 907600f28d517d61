"""Sinks: what the player's events turn into (plain lines, an event log; the live view,
sounds and history live in their own modules). Each follows :class:`calfkit.events.Sink`."""
