"""The sample submissions are data for the grading example, not tests: never collect them.

(Without this, ``--doctest-modules`` would import ``alice.py`` and nbval would run
``bob.ipynb`` in a kernel.) ``tests/test_exercises.py`` grades them instead.
"""

collect_ignore_glob = ["*.py", "*.ipynb"]
