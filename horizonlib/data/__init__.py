"""Data layer: everything that reads, fetches or generates input, and refuses bad input.

``manifest`` (the datasets of ``data/sources.yml``), ``fetch`` and ``checksums`` (verified
downloads, mirror, cache), ``jsonl`` / ``records`` / ``consistency`` / ``runs`` (run files: lines,
per-file keys, cross-row checks, the tidy runs table), ``errors`` (``DataError``, which names file,
line and field), ``published`` (METR's fits, bootstrap samples, results files, release dates),
``messiness`` (METR's per-task labels), ``simulate`` (the synthetic edition's planted truth).
"""
