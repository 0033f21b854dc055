"""Dependency direction (DESIGN §3): credit ← pagekit ← cases ← portal.

Checked statically with `ast` (lazy imports inside functions count too), with the import
finder of tests/credit/test_layering.py.
"""

from tests.credit.test_layering import forbidden_imports


def test_pagekit_imports_only_credit_below_it():
    assert forbidden_imports("pagekit", {"cases", "portal", "search"}) == []


def test_cases_imports_no_portal_or_search():
    assert forbidden_imports("cases", {"portal", "search"}) == []
