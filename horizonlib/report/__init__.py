"""Report layer: what the chapters show and write, computed by the analyses below it.

Per chapter: sentences, display tables and figures (``breakdowns``, ``hacking``, ``noise``,
``trend``, ``difficulty``, ``multiverse*``, ``figures*``, ``tables``); ``glue`` (numbers into the
prose); ``results`` with ``results_schema`` / ``results_columns`` / ``results_files_difficulty``
(every results file's columns, units and keys, in one schema); ``answers*`` (the answers page,
read back from the results files).
"""
