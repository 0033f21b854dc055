"""``get_engine()``: the engine chosen by ``settings.SEARCH_ENGINE`` ('embedded' unless
``ELASTICSEARCH_URL`` is set), one instance per process and settings."""

from __future__ import annotations

from django.conf import settings

from .base import SearchEngine, SearchHit, SearchRequest, SearchResponse

__all__ = ["SearchEngine", "SearchHit", "SearchRequest", "SearchResponse", "get_engine"]

_engines: dict[tuple, SearchEngine] = {}


def get_engine(name: str | None = None) -> SearchEngine:
    name = name or getattr(settings, "SEARCH_ENGINE", "embedded")
    url = getattr(settings, "ELASTICSEARCH_URL", "")
    prefix = getattr(settings, "SEARCH_INDEX_PREFIX", "nongan")
    cache_key = (name, url, prefix)
    engine = _engines.get(cache_key)
    if engine is None:
        if name == "elasticsearch":
            from .elastic import ElasticsearchEngine

            engine = ElasticsearchEngine(url=url, prefix=prefix)
        elif name == "embedded":
            from .embedded import EmbeddedEngine

            engine = EmbeddedEngine()
        else:
            raise ValueError(f"unknown SEARCH_ENGINE {name!r} (embedded or elasticsearch)")
        _engines[cache_key] = engine
    return engine
