"""Build layer: from a parameter set to a rendered book.

``params`` (validated parameter sets), ``cli`` (``python -m horizonlib``), ``book`` (the steps
in order), ``toc`` / ``inputs`` / ``staging`` / ``execute`` / ``render`` (table of contents, input
checks, the staging folder, papermill execution with progress, jupyter-book rendering and
publishing), ``errors``; ``chromium`` / ``pageserver`` / ``pagecheck`` (the rendered pages
opened in headless Chromium).
"""
