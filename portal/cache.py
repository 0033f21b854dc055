"""Anonymous full-page cache for the public site, purged by generation numbers.

`AnonymousPageCacheMiddleware` keeps whole responses of Wagtail pages for anonymous GET
requests, keyed by scheme, host, path, the allowed query parameters (pagination, list
filters, dashboard filters) and the elderly-mode cookie. It sits early in MIDDLEWARE (right
after WhiteNoise), so a hit skips sessions, CSRF, auth, the URL resolver and the database.

Purge without a key index: every entry records the *page generation* it was rendered under,
a token replaced on any publish, unpublish, move or delete of a page and on changes to
site-wide settings, and is served only while that token is current — so one publish retires
every cached page (ancestors' lists, menus, the home page) at once. Pages that show credit
data (home figures, 数据公开, notices, typical cases, counties) also record the *data
generation*; it is replaced when credit data changes
(`credit.events.grades_changed`, restriction changes, any saved or deleted credit/cases
record), so those pages refresh while articles stay cached. Bumps run on commit, so a
reader never caches the old state after the bump. Entries also expire after
PORTAL_PAGE_CACHE_TIMEOUT seconds (default 600) as a backstop for bulk writes that send
no signals.

A lookup is one cache round trip (both tokens and the entry in one get_many). Tokens are
random, not counters: if the cache loses a generation key (eviction, restart), a new token
is drawn and old entries can never match again.

The cache is Django's default cache: local memory on the embedded default, Redis when
REDIS_URL is set (several processes share entries and purges). Local memory is one
process's, yet the site changes from others too (`manage.py publish_scheduled` from cron or
beat, load_demo, another gunicorn worker): with it, each generation also has a token in a
small file next to the SQLite database (`SharedGenerations`), so a purge anywhere on the
machine reaches every process. Set PORTAL_PAGE_CACHE=0 (environment or setting) to turn
the cache off.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
import uuid
from collections import OrderedDict
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.signals import setting_changed
from django.db import connections, transaction
from django.http import HttpResponse

PAGE_GENERATION = "portal:pagecache:gen:pages"
DATA_GENERATION = "portal:pagecache:gen:data"
KEY_PREFIX = "portal:pagecache:v2"
HEADER = "X-Portal-Cache"

#: Query parameters of public pages: pagination, list filters, the dashboard's filters.
#: A request with any other parameter (search terms, tracking tags…) is not cached.
ALLOWED_PARAMS = frozenset(
    {"page", "topic", "verdict", "kind", "category", "region", "year", "status", "county"}
)
#: Paths that are never Wagtail pages: skipped before touching the cache.
SKIP_PREFIXES = (
    "/admin/",
    "/django-admin/",
    "/static/",
    "/media/",
    "/documents/",
    "/api/",
    "/i18n/",
    "/a11y/",
    "/data/",
    "/search/",
    "/healthz",
)
#: Page types whose content is editorial only (no credit data): kept across data changes.
EDITORIAL_PAGE_TYPES = frozenset(
    {
        "portal.articlepage",
        "portal.articleindexpage",
        "portal.rumourrebuttalpage",
        "portal.rumourindexpage",
        "portal.policypage",
        "portal.policyindexpage",
        "portal.standardpage",
        "portal.noticeindexpage",
        "cases.typicalcaseindexpage",
    }
)
#: Models whose changes alter every page (chrome, footer, menus, URLs).
SITE_WIDE_MODELS = frozenset(
    {"wagtailcore.site", "wagtailcore.locale", "portal.portalsettings", "portal.topic"}
)
#: Apps whose records feed the data pages.
DATA_APPS = frozenset({"credit", "cases"})


def enabled() -> bool:
    value = getattr(settings, "PORTAL_PAGE_CACHE", None)
    if value is None:
        value = os.environ.get("PORTAL_PAGE_CACHE", "1")
    if isinstance(value, str):
        return value.strip().lower() not in ("0", "false", "no", "off", "")
    return bool(value)


def timeout() -> int:
    return int(getattr(settings, "PORTAL_PAGE_CACHE_TIMEOUT", 600))


def get_cache():
    return caches[getattr(settings, "PORTAL_PAGE_CACHE_ALIAS", "default")]


# --- generations ----------------------------------------------------------------------------


def _new_token() -> str:
    return uuid.uuid4().hex[:16]


def _token(cache, key: str, found) -> str:
    """A generation token as fetched, or a fresh one when the key is missing."""
    if found is not None:
        return found
    cache.add(key, _new_token(), timeout=None)
    return cache.get(key) or _new_token()


class SharedGenerations:
    """The generation tokens of a process-local cache, shared through files.

    One file per generation, each holding one random token, replaced atomically on a bump
    (a fresh token: two processes bumping at once can never bring an old one back). A
    lookup stat()s the files and re-reads one only when it changed. Inactive (tokens "")
    unless the cache is local memory and the database is a file other processes can open;
    PORTAL_PAGE_CACHE_SHARED_DIR overrides the directory ("" turns it off).
    """

    def __init__(self):
        self._seen: dict[str, tuple] = {}
        self._paths: dict[tuple, str | None] = {}
        self._lock = threading.Lock()

    @staticmethod
    def directory() -> Path | None:
        configured = getattr(settings, "PORTAL_PAGE_CACHE_SHARED_DIR", None)
        if configured is not None:
            return Path(configured) if configured else None
        if not isinstance(get_cache(), LocMemCache):
            return None  # Redis and the like are shared already
        db = connections["default"].settings_dict
        name = str(db.get("NAME") or "")
        in_memory = not name or name == ":memory:" or "mode=memory" in name
        if not db["ENGINE"].endswith("sqlite3") or in_memory:
            return None  # an in-memory database has no other process to tell
        return Path(name).resolve().parent

    def forget_paths(self, **kwargs) -> None:
        """Settings changed (tests override CACHES or the directory): work the paths out again."""
        self._paths.clear()

    def _path(self, key: str) -> str | None:
        # Memoised per database name (tests swap it): this runs on every cached hit.
        name = connections["default"].settings_dict.get("NAME")
        try:
            return self._paths[name, key]
        except KeyError:
            pass
        directory = self.directory()
        path = None
        if directory is not None:
            generation = key.rsplit(":", 1)[-1]
            path = str(directory / f".{Path(str(name)).name}.{generation}.pagecache")
        self._paths[name, key] = path
        return path

    def token(self, key: str) -> str:
        path = self._path(key)
        if path is None:
            return ""
        try:
            stat = os.stat(path)
        except OSError:
            return ""
        mark = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
        seen = self._seen.get(path)
        if seen is not None and seen[0] == mark:
            return seen[1]
        try:
            with open(path, encoding="ascii") as handle:
                value = handle.read().strip()
        except OSError:
            return ""
        with self._lock:
            self._seen[path] = (mark, value)
        return value

    def bump(self, key: str) -> None:
        path = self._path(key)
        if path is None:
            return
        temporary = Path(f"{path}.{os.getpid()}.{_new_token()}")
        try:
            temporary.write_text(_new_token(), encoding="ascii")
            os.replace(temporary, path)
        except OSError:
            temporary.unlink(missing_ok=True)  # the cache's own token still purges here


shared_generations = SharedGenerations()
setting_changed.connect(shared_generations.forget_paths, dispatch_uid="portal-cache-shared-paths")


def _generation(cache, key: str, found) -> str:
    """A generation as compared with entries: the cache's token plus the shared one."""
    return _token(cache, key, found) + shared_generations.token(key)


def generations(cache=None) -> tuple[str, str]:
    """The current (page, data) generation tokens, drawn afresh when missing."""
    cache = cache or get_cache()
    found = cache.get_many([PAGE_GENERATION, DATA_GENERATION])
    return (
        _generation(cache, PAGE_GENERATION, found.get(PAGE_GENERATION)),
        _generation(cache, DATA_GENERATION, found.get(DATA_GENERATION)),
    )


def bump_pages() -> None:
    """Retire every cached page (a page was published, unpublished, moved or deleted)."""
    get_cache().set(PAGE_GENERATION, _new_token(), timeout=None)
    shared_generations.bump(PAGE_GENERATION)


def bump_data() -> None:
    """Retire cached pages that show credit data."""
    get_cache().set(DATA_GENERATION, _new_token(), timeout=None)
    shared_generations.bump(DATA_GENERATION)


def _on_commit_once(func) -> None:
    """Run `func` after the current transaction commits (now, outside one), once per
    transaction however many records change in it."""
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        # Entries are (savepoint ids when registered, func, robust): skip when the same
        # function already waits at this nesting level (a rolled-back savepoint drops its own).
        level = set(connection.savepoint_ids)
        for entry in getattr(connection, "run_on_commit", []):
            if entry[1] is func and entry[0] == level:
                return
    transaction.on_commit(func)


def purge_all() -> None:
    bump_pages()
    bump_data()
    local_entries.clear()


# --- keys and entries -------------------------------------------------------------------------


def cache_key(request) -> str | None:
    """The key for this request, or None when it must not be cached."""
    params = []
    for name, values in request.GET.lists():
        if name not in ALLOWED_PARAMS:
            return None
        params.extend((name, v) for v in values)
    query = urlencode(sorted(params))
    elderly = "e1" if request.COOKIES.get("portal_elderly") == "1" else "e0"
    scheme = "https" if request.is_secure() else "http"
    url = f"{scheme}://{request.get_host()}{request.path}?{query}"
    digest = hashlib.sha256(url.encode("utf-8")).hexdigest()[:32]
    return f"{KEY_PREFIX}:{elderly}:{digest}"


def _anonymous(request) -> bool:
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and "messages" not in cookies


def wants_cache(request) -> bool:
    if request.method != "GET" or not _anonymous(request):
        return False
    path = request.path_info
    return not path.startswith(SKIP_PREFIXES)


def _page_label(response) -> str | None:
    context = getattr(response, "context_data", None) or {}
    page = context.get("page") if isinstance(context, dict) else None
    if page is None:
        return None
    meta = page._meta
    return f"{meta.app_label}.{meta.model_name}"


def cacheable(request, response) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    match = getattr(request, "resolver_match", None)
    if match is None or match.url_name != "wagtail_serve":
        return False
    control = response.get("Cache-Control", "").lower()
    if any(word in control for word in ("private", "no-store", "no-cache")):
        return False
    return not getattr(request, "user", None) or not request.user.is_authenticated


def _entry(response, page_generation: str, data_generation: str) -> tuple:
    data_dependent = _page_label(response) not in EDITORIAL_PAGE_TYPES
    headers = [(k, v) for k, v in response.items() if k.lower() != HEADER.lower()]
    return (
        response.status_code,
        headers,
        response.content,
        page_generation,
        data_generation if data_dependent else None,
    )


def _fresh(entry, page_generation: str, data_generation: str) -> bool:
    """Whether a stored entry was rendered under the current generations."""
    return entry[3] == page_generation and entry[4] in (None, data_generation)


def _response(entry) -> HttpResponse:
    status, headers, content = entry[:3]
    response = HttpResponse(content, status=status)
    for name, value in headers:
        response[name] = value
    response[HEADER] = "hit"
    return response


class LocalEntries:
    """A small per-process LRU copy of recently served entries.

    With Redis, fetching a 50 kB page and unpickling it is most of a hit's cost; a process
    that holds the entry already only asks the shared cache for the two generation tokens
    (still one round trip, a few bytes) and serves its copy when they match — so purges in
    any process still apply at once. Bounded by PORTAL_PAGE_CACHE_LOCAL_ENTRIES (default
    256; 0 turns it off); entries keep the shared entry's expiry.
    """

    def __init__(self):
        self._data: OrderedDict[str, tuple[float, tuple]] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def capacity() -> int:
        return int(getattr(settings, "PORTAL_PAGE_CACHE_LOCAL_ENTRIES", 256))

    def get(self, key: str):
        with self._lock:
            item = self._data.get(key)
            if item is None:
                return None
            expires, entry = item
            if expires < time.monotonic():
                del self._data[key]
                return None
            self._data.move_to_end(key)
            return entry

    def put(self, key: str, entry: tuple, ttl: float) -> None:
        capacity = self.capacity()
        if capacity <= 0:
            return
        with self._lock:
            self._data[key] = (time.monotonic() + ttl, entry)
            self._data.move_to_end(key)
            while len(self._data) > capacity:
                self._data.popitem(last=False)

    def discard(self, key: str) -> None:
        with self._lock:
            self._data.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()


local_entries = LocalEntries()


class AnonymousPageCacheMiddleware:
    """Serve and store full Wagtail page responses for anonymous visitors (see module doc).

    Place right after WhiteNoiseMiddleware (before SessionMiddleware)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not enabled() or not wants_cache(request):
            return self.get_response(request)
        key = cache_key(request)
        if key is None:
            return self.get_response(request)
        cache = get_cache()
        local = local_entries.get(key)
        # One round trip: both generation tokens, and the entry unless this process has it.
        keys = [PAGE_GENERATION, DATA_GENERATION] + ([] if local is not None else [key])
        found = cache.get_many(keys)
        page_generation = _generation(cache, PAGE_GENERATION, found.get(PAGE_GENERATION))
        data_generation = _generation(cache, DATA_GENERATION, found.get(DATA_GENERATION))
        if local is not None:
            if _fresh(local, page_generation, data_generation):
                return _response(local)
            local_entries.discard(key)
        entry = found.get(key)
        if entry is not None and _fresh(entry, page_generation, data_generation):
            local_entries.put(key, entry, timeout())
            return _response(entry)
        response = self.get_response(request)
        if cacheable(request, response):
            entry = _entry(response, page_generation, data_generation)
            cache.set(key, entry, timeout())
            local_entries.put(key, entry, timeout())
            response[HEADER] = "miss"
        return response


# --- purge signals ------------------------------------------------------------------------------


def _model_label(sender) -> str:
    meta = getattr(sender, "_meta", None)
    return f"{meta.app_label}.{meta.model_name}" if meta else ""


def _page_changed(sender=None, **kwargs) -> None:
    _on_commit_once(bump_pages)


def _data_changed(sender=None, **kwargs) -> None:
    _on_commit_once(bump_data)


def _other_record_changed(sender) -> None:
    meta = getattr(sender, "_meta", None)
    if meta is None:
        return
    if _model_label(sender) in SITE_WIDE_MODELS:
        _on_commit_once(bump_pages)
    elif meta.app_label in DATA_APPS:
        _on_commit_once(bump_data)


def _post_save(sender, instance=None, **kwargs) -> None:
    from wagtail.models import Page

    if isinstance(instance, Page):
        # Draft saves do not change the public site; publishing sends page_published.
        return
    _other_record_changed(sender)


def _post_delete(sender, instance=None, **kwargs) -> None:
    from wagtail.models import Page

    if isinstance(instance, Page):
        _on_commit_once(bump_pages)
        return
    _other_record_changed(sender)


_connected = False


def connect_signals() -> None:
    """Connect the purge receivers (called from PortalConfig.ready)."""
    global _connected
    if _connected:
        return
    from django.db.models.signals import post_delete, post_save
    from wagtail import signals as wagtail_signals

    from credit import events

    for signal in (
        wagtail_signals.page_published,
        wagtail_signals.page_unpublished,
        wagtail_signals.post_page_move,
        wagtail_signals.published,
        wagtail_signals.unpublished,
    ):
        signal.connect(_page_changed, dispatch_uid=f"portal-cache-{id(signal)}")
    events.grades_changed.connect(_data_changed, dispatch_uid="portal-cache-grades")
    events.restriction_changes_created.connect(
        _data_changed, dispatch_uid="portal-cache-restrictions"
    )
    post_save.connect(_post_save, dispatch_uid="portal-cache-post-save")
    post_delete.connect(_post_delete, dispatch_uid="portal-cache-post-delete")
    _connected = True
