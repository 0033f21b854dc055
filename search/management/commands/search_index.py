"""manage.py search_index rebuild|update|status|process — with progress bars."""

import json
import time

from django.core.management.base import BaseCommand
from tqdm import tqdm

from search import indexing
from search.engines import get_engine


class Command(BaseCommand):
    help = (
        "维护搜索索引 / Maintain the search index. rebuild: everything from the database into "
        "new tables (or a new Elasticsearch index), swapped in when complete; update: pending "
        "changes, changed producers and today's publicity/validity changes (the daily task); "
        "status: engine, counts and state; process: only the pending keys."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["rebuild", "update", "status", "process"])
        parser.add_argument("--batch", type=int, default=indexing.BATCH)
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="analysis processes for rebuild (default: CPUs - 1, max 4)",
        )

    def handle(self, *args, action, batch, workers, **opts):
        engine = get_engine()
        self.workers = workers
        getattr(self, f"do_{action}")(engine, batch)

    def do_status(self, engine, batch):
        from search.models import PendingKey

        status = engine.status()
        status.update(
            built_at=indexing.get_state("built_at"),
            updated_at=indexing.get_state("updated_at"),
            rebuilding=indexing.rebuilding(),
            pending=PendingKey.objects.count(),
        )
        self.stdout.write(json.dumps(status, ensure_ascii=False, indent=2, default=str))

    def do_rebuild(self, engine, batch):
        counts = indexing.count_documents()
        self.stdout.write("documents: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
        began = time.monotonic()
        bars = {
            "docs": tqdm(total=sum(counts.values()), unit="doc", desc="analyse+store", disable=None)
        }

        def on_phase(phase, total):
            if phase in ("fts", "indexes", "bulk") and "docs" in bars:
                bars.pop("docs").close()
            if phase == "fts":
                bars["fts"] = tqdm(total=total, unit="doc", desc="FTS5 index", disable=None)
            elif phase == "fts-rows":
                bars["fts"].update(total)
            elif phase == "indexes":
                self.stdout.write("building indexes…")

        try:
            total = indexing.rebuild(
                engine,
                progress=bars["docs"].update,
                on_phase=on_phase,
                batch=batch,
                workers=self.workers,
            )
        finally:
            for bar in bars.values():
                bar.close()
        self.stdout.write(
            self.style.SUCCESS(
                f"indexed {total} documents in {time.monotonic() - began:.1f}s ({engine.name})"
            )
        )

    def do_update(self, engine, batch):
        with tqdm(unit="doc", desc="update", disable=None) as bar:
            stats = indexing.update(engine, progress=bar.update)
        self.stdout.write(json.dumps(stats, ensure_ascii=False))

    def do_process(self, engine, batch):
        n = indexing.process_pending(engine)
        self.stdout.write(f"processed {n} pending keys")
