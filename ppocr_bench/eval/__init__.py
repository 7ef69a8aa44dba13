"""Evaluation: one scoring loop for zoo entries and peer systems, eval sets, size and latency,
reports, prediction files and det post-processing tuning.

- :mod:`.loop`: the :class:`~.loop.EvalSystem` protocol and :func:`~.loop.evaluate_system`,
  the scoring loop both kinds of system run through;
- :mod:`.systems`: a zoo entry's predictors as an EvalSystem; :mod:`.peers`: other OCR systems;
- :mod:`.evaluate`: ``evaluate_zoo`` / ``evaluate_peer``; :mod:`.run`: the ``eval`` command
  (checks before any work, the loop over languages, the report, ``--record``);
- :mod:`.parts`: an eval set folder's label files, image kinds, counts and language;
  :mod:`.sets`: the default eval sets; :mod:`.bench`: size and latency; :mod:`.report`:
  report.json / report.md / plots / screen tables; :mod:`.files`: ``metrics`` on prediction
  files; :mod:`.tune`: ``zoo tune-det``.
"""
