"""Builds the demo site tree idempotently: find each page by its parent and stable slug,
create it if missing, otherwise update the fields that differ; publish only what changed.
Running it twice leaves the same pages, revisions and translations."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.core.files.base import ContentFile, File
from django.db import transaction
from wagtail.documents import get_document_model
from wagtail.fields import StreamField
from wagtail.images import get_image_model
from wagtail.models import Locale, Page, Revision, Site

from cases.models import CaseCategory, TypicalCaseIndexPage, TypicalCasePage
from credit.models import EnforcementCase, Region
from portal.models import (
    ArticleIndexPage,
    ArticlePage,
    DataPage,
    HomePage,
    NoticeIndexPage,
    PolicyIndexPage,
    PolicyPage,
    PortalSettings,
    QualityCountyIndexPage,
    QualityCountyPage,
    RumourIndexPage,
    RumourRebuttalPage,
    StandardPage,
    Topic,
    UnqualifiedNoticePage,
)

from . import articles, records, rumours, site
from .blocks import rich

#: Files the demo content uses (drawn for the demo; see assets/README.md).
ASSETS = Path(__file__).resolve().parent / "assets"

SITE_HOSTNAME = "127.0.0.1"
SITE_PORT = 8000
WAGTAIL_WELCOME_TITLE = "Welcome to your new Wagtail site!"

INDEX_MODELS = {
    "portal.ArticleIndexPage": ArticleIndexPage,
    "portal.RumourIndexPage": RumourIndexPage,
    "cases.TypicalCaseIndexPage": TypicalCaseIndexPage,
    "portal.NoticeIndexPage": NoticeIndexPage,
    "portal.PolicyIndexPage": PolicyIndexPage,
}


class DemoError(Exception):
    pass


def _date(value):
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(value)


def _strip_ids(value):
    if isinstance(value, dict):
        return {k: _strip_ids(v) for k, v in value.items() if k != "id"}
    if isinstance(value, list):
        return [_strip_ids(v) for v in value]
    return value


def _canonical_stream(stream_field: StreamField, value):
    block = stream_field.stream_block
    native = value if hasattr(value, "raw_data") else block.to_python(value or [])
    return _strip_ids(block.get_prep_value(native))


@dataclass
class Report:
    pages: Counter = field(default_factory=Counter)
    translations: Counter = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)


class DemoBuilder:
    def __init__(self, today: datetime.date, log=print):
        self.today = today
        self.log = log
        self.report = Report()
        self.changed_pages: set[int] = set()

    # --- generic upsert ----------------------------------------------------------------
    def upsert(self, parent: Page, model, slug: str, fields: dict, *, children=None, m2m=None):
        """Create or update the `model` page at `parent`/`slug`; publish when changed."""
        fields = dict(fields)
        children = children or {}
        m2m = m2m or {}
        existing = Page.objects.child_of(parent).filter(slug=slug).first()
        if existing is None:
            page = model(slug=slug, **fields)
            for name, rows in children.items():
                related = model._meta.get_field(name).related_model
                setattr(page, name, [related(**row) for row in rows])
            for name, values in m2m.items():
                getattr(page, name).set(values)
            parent.add_child(instance=page)
            page.save_revision().publish()
            self.report.pages["created"] += 1
            self.changed_pages.add(page.pk)
            return page

        page = existing.specific
        if not isinstance(page, model):
            raise DemoError(
                f"{existing.url_path} 已存在但类型是 {type(page).__name__}，不是 {model.__name__}；"
                f"请先在后台移动或删除该页面 / exists with another page type"
            )
        changed = False
        for name, value in fields.items():
            model_field = (
                model._meta.get_field(name.removesuffix("_id"))
                if name.endswith("_id")
                else model._meta.get_field(name)
            )
            current = getattr(page, name)
            if isinstance(model_field, StreamField):
                differs = _canonical_stream(model_field, current) != _canonical_stream(
                    model_field, value
                )
            else:
                differs = current != value
            if differs:
                setattr(page, name, value)
                changed = True
        for name, rows in children.items():
            keys = sorted({k for row in rows for k in row})
            current_rows = [{k: getattr(obj, k) for k in keys} for obj in getattr(page, name).all()]
            if current_rows != [{k: row.get(k) for k in keys} for row in rows]:
                related = model._meta.get_field(name).related_model
                setattr(page, name, [related(**row) for row in rows])
                changed = True
        for name, values in m2m.items():
            wanted = {v.pk for v in values}
            if {v.pk for v in getattr(page, name).all()} != wanted:
                getattr(page, name).set(values)
                changed = True
        if changed or not page.live or page.has_unpublished_changes:
            page.save_revision().publish()
            self.report.pages["updated"] += 1
            self.changed_pages.add(page.pk)
        else:
            self.report.pages["unchanged"] += 1
        return page

    # --- the tree ----------------------------------------------------------------------
    def run(self) -> Report:
        with transaction.atomic():
            zh, en = self.locales()
            topics = self.topics()
            home = self.home(zh)
            self.site(home)
            sections = self.sections(home)
            self.science(sections["science"], topics)
            self.rumours(sections["rumours"])
            self.cases(sections["cases"])
            self.notices(sections["notices"])
            self.policies(sections["policies"])
            data_pages = self.data_pages(home)
            county_index = self.counties(data_pages["open-data"])
            standard = self.standard_pages(home)
            self.home_rows(home, sections)
            self.settings(home, standard)
            self.translate(
                en,
                [home, *sections.values(), *data_pages.values(), county_index, *standard.values()],
            )
        return self.report

    def locales(self):
        zh, _ = Locale.objects.get_or_create(language_code="zh-hans")
        en, _ = Locale.objects.get_or_create(language_code="en")
        return zh, en

    def topics(self) -> dict[str, Topic]:
        result = {}
        for slug, name, name_en, description in articles.TOPICS:
            topic, _ = Topic.objects.update_or_create(
                slug=slug, defaults={"name": name, "name_en": name_en, "description": description}
            )
            result[slug] = topic
        return result

    def home(self, zh: Locale) -> HomePage:
        root = Page.get_first_root_node()
        home = HomePage.objects.child_of(root).filter(locale=zh).first()
        if home is None:
            # Wagtail's initial migration leaves a placeholder page at the same slug.
            for placeholder in Page.objects.child_of(root).filter(slug=site.HOME["slug"]):
                if placeholder.specific_class is Page and placeholder.numchild == 0:
                    placeholder.slug = "wagtail-welcome-placeholder"
                    placeholder.save(update_fields=["slug"])
        fields = {k: v for k, v in site.HOME.items() if k != "slug"}
        home = self.upsert(root, HomePage, site.HOME["slug"], fields)
        return home

    def site(self, home: HomePage):
        default = Site.objects.filter(is_default_site=True).first()
        if default is None:
            default = Site(is_default_site=True)
        default.hostname = SITE_HOSTNAME
        default.port = SITE_PORT
        default.site_name = "农安信用门户"
        default.root_page = home
        default.is_default_site = True
        default.save()
        # The placeholder page is no longer any site's root: remove it.
        for placeholder in Page.objects.child_of(Page.get_first_root_node()).filter(
            slug="wagtail-welcome-placeholder", numchild=0
        ):
            if (
                placeholder.specific_class is Page
                and not Site.objects.filter(root_page=placeholder).exists()
            ):
                placeholder.delete()

    def sections(self, home) -> dict[str, Page]:
        result = {}
        for slug, model_label, title, intro, extra in site.SECTIONS:
            model = INDEX_MODELS[model_label]
            result[slug] = self.upsert(
                home,
                model,
                slug,
                {"title": title, "intro": rich(intro), "show_in_menus": True, **extra},
            )
        return result

    def science(self, index, topics):
        for spec in articles.ARTICLES:
            self.upsert(
                index,
                ArticlePage,
                spec["slug"],
                {
                    "title": spec["title"],
                    "date": _date(spec["date"]),
                    "intro": spec["intro"],
                    "author": spec["author"],
                    "reviewer": spec["reviewer"],
                    "categories": spec["categories"],
                    "body": spec["body"],
                    "search_description": spec["intro"][:160],
                    "hero_image": self._image(*spec["hero"]) if spec.get("hero") else None,
                },
                m2m={"topics": [topics[t] for t in spec["topics"]]},
            )

    def rumours(self, index):
        for spec in rumours.RUMOURS:
            self.upsert(
                index,
                RumourRebuttalPage,
                spec["slug"],
                {
                    "title": spec["title"],
                    "date": _date(spec["date"]),
                    "claim": spec["claim"],
                    "verdict": spec["verdict"],
                    "summary": spec["summary"],
                    "explanation": spec["explanation"],
                    "evidence": spec["evidence"],
                    "reviewer": spec["reviewer"],
                    "categories": spec["categories"],
                    "search_description": spec["summary"][:160],
                },
                children={
                    "sources": [
                        {"title": t, "publisher": p, "url": u} for t, p, u in spec["sources"]
                    ]
                },
            )

    def _cases_for(self, spec: dict, used: set[int]) -> list[int]:
        """A demo enforcement case to link: like the story (criminal transfer for prohibited
        drugs, serious for water injection), nearest the story's region, chosen stably."""
        cases = EnforcementCase.objects.active().exclude(severity="minor").exclude(pk__in=used)
        if spec["category"] == "prohibited-drugs":
            cases = cases.filter(criminal_transfer=True)
        elif spec["category"] == "water-injection":
            cases = cases.filter(severity="serious")
        code = spec["region"]
        for prefix in (code, code[:4], code[:2], ""):
            case = (
                cases.filter(producer__region__code__startswith=prefix)
                .order_by("case_number")
                .first()
            )
            if case is not None:
                return [case.pk]
        return []

    def cases(self, index):
        categories = {c.slug: c for c in CaseCategory.objects.all()}
        regions = set(
            Region.objects.filter(code__in=[c["region"] for c in records.CASES]).values_list(
                "code", flat=True
            )
        )
        used: set[int] = set()
        for spec in records.CASES:
            if spec["category"] not in categories:
                raise DemoError(f"案例类别 {spec['category']} 不存在（cases 迁移未执行？）")
            region = spec["region"] if spec["region"] in regions else None
            case_ids = self._cases_for(spec, used)
            used.update(case_ids)
            self.upsert(
                index,
                TypicalCasePage,
                spec["slug"],
                {
                    "title": spec["title"],
                    "date": _date(spec["date"]),
                    "category_id": categories[spec["category"]].pk,
                    "region_id": region,
                    "agency": spec["agency"],
                    "summary": spec["summary"],
                    "body": spec["body"],
                    "search_description": spec["summary"][:160],
                },
                children={"case_links": [{"case_id": pk} for pk in case_ids]},
            )

    def notices(self, index):
        for spec in site.quarter_notices(self.today):
            self.upsert(
                index,
                UnqualifiedNoticePage,
                spec["slug"],
                {k: v for k, v in spec.items() if k != "slug"},
            )

    def _image(self, filename: str, title: str, alt: str):
        """The Wagtail image of a demo asset, imported once (found again by title)."""
        Image = get_image_model()
        image = Image.objects.filter(title=title).first()
        if image is None:
            image = Image(title=title, description=alt)
            with open(ASSETS / filename, "rb") as handle:
                image.file.save(filename, File(handle), save=False)
            image.save()
        return image

    def _attachment(self, title: str, text: str):
        Document = get_document_model()
        document = Document.objects.filter(title=title).first()
        if document is None:
            document = Document(title=title)
            document.file.save("policy-notes.txt", ContentFile(text.encode("utf-8")), save=False)
            document.save()
        return document

    def policies(self, index):
        for spec in records.POLICIES:
            attachments = []
            if spec.get("attach"):
                doc = self._attachment(
                    f"{spec['title']}——学习要点",
                    f"{spec['title']}\n\n{spec['summary']}\n\n（农安信用门户编辑整理，仅供学习参考，以正式文本为准。）\n",
                )
                attachments.append({"document_id": doc.pk, "title": "学习要点（文本）"})
            self.upsert(
                index,
                PolicyPage,
                spec["slug"],
                {
                    "title": spec["title"],
                    "date": _date(spec["date"]),
                    "kind": spec["kind"],
                    "issuer": spec["issuer"],
                    "document_number": spec["document_number"],
                    "effective_date": _date(spec["effective_date"]),
                    "status": spec["status"],
                    "summary": spec["summary"],
                    "body": spec["body"],
                    "search_description": spec["summary"][:160],
                },
                children={"documents": attachments},
            )

    def data_pages(self, home) -> dict[str, DataPage]:
        result = {}
        for slug, kind, title, intro, in_menu in site.DATA_PAGES:
            result[slug] = self.upsert(
                home,
                DataPage,
                slug,
                {
                    "title": title,
                    "kind": kind,
                    "intro": rich(intro),
                    "show_in_menus": in_menu,
                    "search_description": intro[:160],
                },
            )
        return result

    def counties(self, parent) -> QualityCountyIndexPage:
        spec = site.QUALITY_COUNTY_INDEX
        index = self.upsert(
            parent,
            QualityCountyIndexPage,
            spec["slug"],
            {"title": spec["title"], "intro": rich(spec["intro"])},
        )
        known = set(
            Region.objects.filter(code__in=[c["county"] for c in records.COUNTIES]).values_list(
                "code", flat=True
            )
        )
        for county in records.COUNTIES:
            if county["county"] not in known:
                self.report.notes.append(
                    f"行政区划 {county['county']} 不存在，跳过 {county['title']}"
                )
                continue
            self.upsert(
                index,
                QualityCountyPage,
                county["slug"],
                {
                    "title": county["title"],
                    "county_id": county["county"],
                    "level": county["level"],
                    "status": county["status"],
                    "year": county["year"],
                    "summary": county["summary"],
                    "highlights": county["highlights"],
                },
            )
        return index

    def standard_pages(self, home) -> dict[str, StandardPage]:
        result = {}
        for spec in site.STANDARD_PAGES:
            result[spec["slug"]] = self.upsert(
                home,
                StandardPage,
                spec["slug"],
                {
                    "title": spec["title"],
                    "intro": spec["intro"],
                    "body": spec["body"],
                    "show_in_menus": spec["in_menu"],
                },
            )
        return result

    def home_rows(self, home, sections):
        featured = []
        for section_slug, slug, title, summary in site.HOME_FEATURED:
            target = Page.objects.child_of(sections[section_slug]).filter(slug=slug).first()
            if target:
                featured.append({"page_id": target.pk, "title": title, "summary": summary})
        rows = [
            {"index_page_id": sections[slug].pk, "heading": "", "count": count}
            for slug, count in site.HOME_SECTIONS
        ]
        self.upsert(
            home.get_parent(),
            HomePage,
            home.slug,
            {},
            children={"featured": featured, "sections": rows},
        )

    def settings(self, home, standard):
        site_obj = Site.objects.get(root_page=home)
        values = dict(site.SETTINGS)
        values["accessibility_page"] = standard["accessibility"]
        values["contact_page"] = standard["contact"]
        settings_obj = PortalSettings.for_site(site_obj)
        for name, value in values.items():
            setattr(settings_obj, name, value)
        settings_obj.save()

    # --- English -----------------------------------------------------------------------
    def translate(self, en: Locale, pages: list[Page]):
        """English versions of the skeleton through wagtail-localize (synced translations):
        the strings we have English for are imported as manual translations; the rest fall
        back to the Chinese source until staff translate them in the admin."""
        from wagtail_localize.models import Translation, TranslationSource

        for page in pages:
            page = page.specific
            target = page.get_translation_or_none(en)
            existed = target is not None
            source, _ = TranslationSource.update_or_create_from_instance(page)
            translation, _ = Translation.objects.get_or_create(
                source=source, target_locale=en, defaults={"enabled": True}
            )
            po = translation.export_po()
            strings_changed = False
            for entry in po:
                wanted = site.ENGLISH.get(entry.msgid, "")
                if wanted and entry.msgstr != wanted:
                    entry.msgstr = wanted
                    strings_changed = True
            if (
                existed
                and target.live
                and not strings_changed
                and page.pk not in self.changed_pages
            ):
                self.report.translations["unchanged"] += 1
                continue
            translation.import_po(po, tool_name="load_demo")
            # As Translation.save_target, but publish here: wagtail-localize publishes in
            # transaction.on_commit, i.e. after this whole run, from a revision object holding
            # the tree fields of the moment it was made — a parent translated before its
            # children would be published with a stale child count.
            source.create_or_update_translation(
                en, publish=False, fallback=True, copy_parent_pages=True
            )
            target = page.get_translation(en)
            Revision.objects.get(pk=target.latest_revision_id).publish()
            self.report.translations["updated" if existed else "created"] += 1
