"""Test helpers: a small Wagtail site with portal and typical-case pages."""

from __future__ import annotations

import datetime

from wagtail.models import Page, Site


def make_home():
    from portal.models import HomePage

    root = Page.get_first_root_node()
    home = root.add_child(instance=HomePage(title="首页", slug="search-home", hero_title="农安"))
    site = Site.objects.get(is_default_site=True)
    site.root_page = home
    site.save()
    return home


def make_standard(parent, title, intro="", paragraph="", live=True):
    from portal.models import StandardPage

    page = StandardPage(
        title=title,
        intro=intro,
        live=live,
        body=[("paragraph", f"<p>{paragraph}</p>")] if paragraph else [],
    )
    parent.add_child(instance=page)
    if live:
        page.save_revision().publish()
    return page


def make_typical_case(home, title, summary, cases=(), region_id="220122"):
    from cases.models import CaseCategory, TypicalCaseIndexPage, TypicalCaseLink, TypicalCasePage

    index = home.add_child(instance=TypicalCaseIndexPage(title="典型案例", slug="cases-x"))
    page = TypicalCasePage(
        title=title,
        summary=summary,
        category=CaseCategory.objects.first(),
        region_id=region_id,
        agency="农安县农业农村局",
        date=datetime.date.today(),
        body=[("paragraph", "<p>经查，当事人销售的豇豆检出克百威。</p>")],
    )
    for case in cases:
        page.case_links.add(TypicalCaseLink(case=case))
    index.add_child(instance=page)
    page.save_revision().publish()
    return page
