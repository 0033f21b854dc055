from datetime import date

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from credit import synthetic


class Command(BaseCommand):
    help = (
        "生成可复现的模拟数据 / Generate a deterministic synthetic data set: producers with "
        "realistic names and identifiers, and their credit facts. Same --producers, --seed, "
        "--region and --as-of give the same data. Producers that already exist (same USCC or "
        "ID number) are skipped with their facts, so a rerun adds nothing. Grades are not "
        "computed: run recompute_grades afterwards."
    )

    def add_arguments(self, parser):
        parser.add_argument("--producers", type=int, required=True, help="number of producers")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--region",
            nargs="+",
            default=[],
            metavar="CODE",
            help="GB/T 2260 codes (province, city or county): only these areas",
        )
        parser.add_argument(
            "--facts-per-producer",
            type=float,
            default=20,
            help="average facts per producer (default 20)",
        )
        parser.add_argument("--batch", type=int, default=5000, help="producers per transaction")
        parser.add_argument("--no-facts", action="store_true", help="producers only")
        parser.add_argument(
            "--as-of",
            type=date.fromisoformat,
            default=synthetic.REFERENCE_DATE,
            help=f"reference date, facts fall in the 30 months before it "
            f"(default {synthetic.REFERENCE_DATE.isoformat()}, fixed so reruns match)",
        )

    def handle(
        self, *args, producers, seed, region, facts_per_producer, batch, no_facts, as_of, **opts
    ):
        if producers < 0:
            raise CommandError("--producers must be ≥ 0")
        if batch < 1:
            raise CommandError("--batch must be ≥ 1")
        try:
            counties = synthetic.load_counties(region)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if not counties:
            raise CommandError(
                "没有可用的县级行政区划 / no county-level regions"
                + (f" under {' '.join(region)}" if region else " (run migrate to load GB/T 2260)")
            )
        with tqdm(total=producers, unit="producer", disable=None) as bar:
            try:
                stats = synthetic.generate(
                    producers=producers,
                    seed=seed,
                    as_of=as_of,
                    facts_per_producer=facts_per_producer,
                    batch=batch,
                    with_facts=not no_facts,
                    progress=bar.update,
                    counties=counties,
                )
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
        rate = stats.rows / stats.seconds if stats.seconds else 0
        facts = ", ".join(f"{k} {v}" for k, v in stats.facts.items())
        self.stdout.write(
            f"created {stats.producers_created} producers"
            f" (skipped {stats.producers_skipped} already present)"
            + ("" if no_facts else f" and {stats.facts_created} facts ({facts})")
            + f" in {stats.seconds:.1f}s, {rate:,.0f} rows/s"
        )
        if stats.producers_created:
            self.stdout.write("grades not computed yet: run `manage.py recompute_grades`")
