"""The course around the kit: exercises with checks, hints and solutions; the sample data and the simulators that
made it; learner copies and slides of the lessons; the setup check.

The course finds its files (``datasets/``, ``notebooks/``) from the working folder or ``$JOURNEYKIT_COURSE``;
nothing below this layer imports it.
"""
