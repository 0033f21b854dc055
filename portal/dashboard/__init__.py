"""数据公开 dashboard: the supervision figures of DESIGN §1 against their targets.

`metrics` reads credit data with a few ORM aggregates and returns plain datasets;
`formatting` and `charts` are pure (no ORM): numbers to text, datasets to SVG;
`exports` writes a dataset as CSV, XLSX or JSON; `views` serves the downloads.
"""
