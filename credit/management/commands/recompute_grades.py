from datetime import date

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from credit.models import Producer, Region
from credit.services.batch import recompute_all


class Command(BaseCommand):
    help = "重新计算信用等级 / Recompute credit grades (chunked into Celery tasks with a broker)."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", type=date.fromisoformat, help="YYYY-MM-DD (default today)")
        parser.add_argument("--region", help="GB/T 2260 code: only producers in this region")
        parser.add_argument("--chunk", type=int, default=1000)

    def handle(self, *args, as_of=None, region=None, chunk=1000, **opts):
        qs = Producer.objects.filter(merged_into__isnull=True)
        if region:
            node = Region.objects.filter(code=region).first()
            if node is None:
                raise CommandError(f"region: 行政区划代码不存在 / unknown region code {region!r}")
            qs = qs.filter(region__code__startswith=node.prefix)
        ids = list(qs.order_by("id").values_list("id", flat=True))
        with tqdm(total=len(ids), unit="producer", disable=None) as bar:
            stats = recompute_all(
                ids, as_of=as_of, reason="recompute_grades", progress=bar.update, chunk_size=chunk
            )
        self.stdout.write(
            f"recomputed {stats.producers} producers; {stats.grades_changed} grades changed"
        )
