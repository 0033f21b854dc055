def public_api_only(endpoints, **kwargs):
    """Document our versioned API, not the admin's internal endpoints (Wagtail's own API)."""
    return [e for e in endpoints if e[0].startswith("/api/")]
