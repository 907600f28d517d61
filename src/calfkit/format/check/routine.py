"""Checking one file's top level and building its :class:`~calfkit.model.Routine`."""

from __future__ import annotations

from pathlib import Path

from calfkit.format import spec
from calfkit.format.check import limits
from calfkit.format.check.report import INVALID
from calfkit.format.check.structure import StructureChecks
from calfkit.format.check.values import TOP, StepList, Values
from calfkit.format.source import MapNode, quoted
from calfkit.model import DEFAULT_LANGUAGE, Routine


class RoutineBuilder(StructureChecks):
    """Checks one file's node tree against the spec and builds its Routine."""

    def routine(self, root: MapNode, data: bytes) -> Routine | None:
        values = self.mapping(root, spec.TOP_KEYS, "", "the top level", scope=TOP, depth=0)
        if self.failed or values is INVALID:
            return None
        title = values.text("title")
        match values.data.get("steps"):
            case StepList(steps=steps) if title is not None:
                pass
            case _:
                self.failed = True  # only reached if a problem was recorded without saying so
                return None
        routine = Routine(
            name=self.routine_name(root, values),
            title=title,
            steps=steps,
            description=values.text("description"),
            tags=values.texts("tags"),
            equipment=values.texts("equipment"),
            caution=values.text("caution"),
            language=values.text("language") or DEFAULT_LANGUAGE,
            path=self.path,
            content_hash=_sha256(data),
        )
        steps_pair = root.get("steps")
        assert steps_pair is not None
        limits.check_totals(self, routine, steps_pair[0].position)
        return None if self.failed else routine

    def routine_name(self, root: MapNode, values: Values) -> str:
        # A name: key that differed from the file name made a routine found as one name,
        # listed as another and recorded as a third (issue 12, item 8): now there is one.
        """The file's name is the routine's name: the one ``play``, ``list`` and history use."""
        stem = Path(self.path).stem
        declared = values.text("name")
        pair = root.get("name")
        if declared is not None and declared != stem and pair is not None:
            self.warning(
                pair[1],
                f"name {quoted(declared)} differs from the file name {quoted(stem)}; "
                "rename the file or remove name: (the file name is the routine's name)",
            )
        return stem


def _sha256(data: bytes) -> str:
    import hashlib  # here, not at the top: a few milliseconds of start-up for `calfkit list`

    return hashlib.sha256(data).hexdigest()
