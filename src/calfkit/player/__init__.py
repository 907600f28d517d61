"""The player: walks a timeline on a clock passed in (:mod:`~calfkit.player.clock`) and tells
its sinks what happens (:mod:`~calfkit.player.events`); :mod:`~calfkit.player.engine` holds
the :class:`~calfkit.player.engine.Player` itself."""
