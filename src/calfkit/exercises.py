"""What exercise a step is, in one table: the names a routine may give as ``exercise:``, each
with the FIT profile's exercise category and exercise name a watch workout writes for it.

The FIT values are names from Garmin's FIT profile (``exercise_category`` and the category's
own ``*_exercise_name`` type); a name of None writes the category alone, where the profile has
no exercise that fits (a calf on a foam roller). Adding an exercise is a row here: the format
(validation, the JSON Schema, docs/format.md's table) and the FIT export read this table.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["EXERCISES", "Exercise"]


@dataclass(frozen=True)
class Exercise:
    """One exercise: what it is, and its FIT category and exercise name."""

    description: str
    category: str
    name: str | None = None


EXERCISES: dict[str, Exercise] = {
    "calf-stretch": Exercise("a calf stretch (wall, step, rolled mat)", "warm_up", "stretch_calf"),
    "ankle-stretch": Exercise("an ankle stretch", "warm_up", "ankle_stretch"),
    "ankle-circles": Exercise("ankle circles", "warm_up", "ankle_circles"),
    "foot-rolling": Exercise("rolling the sole of the foot on a ball", "move", "foot_rolling"),
    "foam-roll": Exercise("rolling a muscle on a foam roller", "warm_up"),
    "calf-raise": Exercise("calf raises", "calf_raise", "standing_calf_raise"),
    "hip-raise": Exercise("hip raises, a bridge", "hip_raise", "hip_raise"),
    "walk": Exercise("easy walking", "cardio"),
    "breathing": Exercise("slow breathing", "warm_up"),
}
