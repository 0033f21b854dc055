from django.core.management.base import BaseCommand, CommandError

from credit.services.audit import verify_chain


class Command(BaseCommand):
    help = (
        "校验审计链 / Verify the audit trail's hash chain; exits non-zero at the first bad event."
    )

    def handle(self, *args, **opts):
        result = verify_chain()
        if not result.ok:
            raise CommandError(
                f"audit chain broken at event #{result.first_bad_id}: {result.problem} "
                f"({result.checked} events verified before it)"
            )
        self.stdout.write(f"audit chain OK: {result.checked} events")
