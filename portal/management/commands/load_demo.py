"""`manage.py load_demo [--if-empty]`: the Chinese-first demo site and demo credit data."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from portal.demo.builder import DemoBuilder, DemoError
from portal.models import HomePage
from portal.workflows import ensure_moderation

CREDIT_SEED = 2026


class Command(BaseCommand):
    help = (
        "载入演示站点与演示信用数据（可重复运行）/ Load the demo site tree and demo credit data "
        "(idempotent: stable slugs, create or update)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="已有首页时什么也不做 / do nothing when a HomePage already exists",
        )
        parser.add_argument(
            "--no-credit",
            action="store_true",
            help="不载入演示信用数据 / skip the demo producers and facts",
        )

    def handle(self, *args, if_empty=False, no_credit=False, **options):
        if if_empty and HomePage.objects.exists():
            self.stdout.write(
                "已有首页，跳过演示数据 / a home page exists: demo content not loaded"
            )
            return
        started = time.monotonic()
        if not no_credit:
            self.load_credit()
            self.load_populations()
        self.stdout.write("站点页面 / site pages …")
        builder = DemoBuilder(today=timezone.localdate())
        try:
            report = builder.run()
        except DemoError as exc:
            raise CommandError(str(exc)) from exc
        for note in report.notes:
            self.stdout.write(self.style.WARNING(note))
        # Groups, permissions and the 编辑 → 审核 workflow over the whole tree (idempotent).
        for note in ensure_moderation().notes:
            self.stdout.write(self.style.WARNING(f"moderation: {note}"))
        pages, translations = report.pages, report.translations
        self.stdout.write(
            self.style.SUCCESS(
                f"页面 pages: 新建 created {pages['created']}, 更新 updated {pages['updated']}, "
                f"未变 unchanged {pages['unchanged']}; 英文版 English: 新建 {translations['created']}, "
                f"更新 {translations['updated']}, 未变 {translations['unchanged']} "
                f"({time.monotonic() - started:.1f}s)"
            )
        )

    def load_credit(self):
        try:
            from credit.synthetic import load_demo_credit
        except ImportError as exc:
            self.stdout.write(
                self.style.WARNING(
                    f"演示信用数据不可用（credit.synthetic.load_demo_credit 无法导入：{exc}），"
                    "只载入站点页面 / demo credit data unavailable, loading pages only"
                )
            )
            return
        self.stdout.write(f"演示信用数据 / demo credit data (seed={CREDIT_SEED}) …")
        started = time.monotonic()
        created = load_demo_credit(seed=CREDIT_SEED)
        self.stdout.write(
            f"  新建生产经营主体 producers created: {len(created)} ({time.monotonic() - started:.1f}s)"
        )
        if created:
            self.compute_grades(created)

    def load_populations(self):
        """DEMO: approximate populations of the demo counties (dashboard per-1,000 figures)."""
        from portal.dashboard.demo import load_demo_populations

        set_count = load_demo_populations()
        if set_count:
            self.stdout.write(
                f"  演示人口数据 demo populations: {set_count} 个县（近似值，仅供演示）"
            )

    def compute_grades(self, producer_ids):
        try:
            from credit.services.batch import recompute_all
        except ImportError:
            return
        started = time.monotonic()
        stats = recompute_all(list(producer_ids), reason="load_demo")
        self.stdout.write(
            f"  信用等级 grades computed: {stats.producers} ({time.monotonic() - started:.1f}s)"
        )
