from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from credit.models import ApiToken, Organisation, OrganisationKind, Scenario


class Command(BaseCommand):
    help = (
        "签发机构 API 令牌 / Issue an API token for an organisation (created if needed), "
        "scoped to one or more scenarios. The token is shown once, on the last line; only "
        "its SHA-256 is stored."
    )

    def add_arguments(self, parser):
        parser.add_argument("organisation", help="机构名称 / organisation name")
        parser.add_argument(
            "--scenario",
            action="append",
            required=True,
            choices=Scenario.values,
            help="适用场景，可重复 / scenario the token may check (repeatable)",
        )
        parser.add_argument("--label", default="", help="用途说明 / what the token is for")
        parser.add_argument(
            "--kind",
            choices=OrganisationKind.values,
            help="新建机构的类型 / kind of a new organisation (default: from the first scenario)",
        )

    def handle(self, *args, organisation, scenario, label, kind, **opts):
        name = organisation.strip()
        if not name:
            raise CommandError("机构名称不能为空 / organisation name is required")
        with transaction.atomic():
            org, created = Organisation.objects.get_or_create(
                name=name, defaults={"kind": kind or scenario[0]}
            )
            if not org.active:
                raise CommandError(f"机构已停用 / organisation {name!r} is inactive")
            token, raw = ApiToken.issue(org, scenario, label=label)
        self.stdout.write(
            f"{'created' if created else 'existing'} organisation {org.name!r} (id {org.pk}); "
            f"token prefix {token.prefix}, scenarios {', '.join(token.scenarios)}. "
            "Store the token now: it is not shown again."
        )
        self.stdout.write(raw)
