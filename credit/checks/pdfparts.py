"""A long report's PDF rendered in parts on several cores, then joined.

WeasyPrint lays out and draws in Python on one core: a 10,000-row check (≈ 200 pages)
takes ≈ 11 s. ``report.grid_pages`` paginates the grid itself, so each page's content and
number are known before rendering: parts made of whole pages render at the same time, this
process drawing the first while pool processes draw the rest, and pypdf joins them.

The pool's processes come from a ``forkserver``: forked from a clean single-threaded server
process, never from a threaded web process (a fork there could inherit a lock held by
another thread inside fontconfig or cairo). They need no Django: this module imports none.
Where no process can be started, the parts are rendered here one after another.
"""

from __future__ import annotations

import atexit
import io
import logging
import multiprocessing
import threading
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

logger = logging.getLogger(__name__)

_pool: ProcessPoolExecutor | None = None
_pool_size = 0
_lock = threading.Lock()


def render(html: str, base_url: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, base_url=base_url).write_pdf()


def _executor(workers: int) -> ProcessPoolExecutor:
    global _pool, _pool_size
    with _lock:
        if _pool is None or _pool_size < workers:
            if _pool is not None:
                _pool.shutdown(wait=False)
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload([__name__, "weasyprint"])
            _pool, _pool_size = ProcessPoolExecutor(max_workers=workers, mp_context=ctx), workers
        return _pool


def _discard_pool() -> None:
    global _pool
    with _lock:
        if _pool is not None:
            _pool.shutdown(wait=False, cancel_futures=True)
            _pool = None


atexit.register(_discard_pool)


def join(parts: list[bytes]) -> bytes:
    """One PDF of the parts' pages in order, with the first part's document information."""
    from pypdf import PdfReader, PdfWriter

    if len(parts) == 1:
        return parts[0]
    writer = PdfWriter()
    for data in parts:
        writer.append(PdfReader(io.BytesIO(data)))
    info = PdfReader(io.BytesIO(parts[0])).metadata
    if info:
        writer.add_metadata({k: v for k, v in info.items() if isinstance(v, str)})
    # Each part embeds its fonts; where they came out identical (a font WeasyPrint could not
    # subset is embedded whole), keep one copy.
    writer.compress_identical_objects(remove_duplicates=True, remove_unreferenced=True)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def render_parts(htmls: list[str], base_url: str) -> bytes:
    """Render each HTML document (the parts of one report, in page order) and join them."""
    if len(htmls) == 1:
        return render(htmls[0], base_url)
    futures: list[Future] = []
    try:
        pool = _executor(len(htmls) - 1)
        futures = [pool.submit(render, html, base_url) for html in htmls[1:]]
    except (OSError, RuntimeError, AssertionError, BrokenProcessPool) as exc:
        # AssertionError: multiprocessing refuses children in a daemonic process.
        logger.info("PDF parts rendered in one process: %s", exc)
        _discard_pool()
        return join([render(html, base_url) for html in htmls])
    first = render(htmls[0], base_url)
    rest = []
    for html, future in zip(htmls[1:], futures, strict=True):
        try:
            rest.append(future.result())
        except BrokenProcessPool as exc:
            logger.warning("PDF worker lost (%s); rendering its part here", exc)
            _discard_pool()
            rest.append(render(html, base_url))
    return join([first, *rest])
