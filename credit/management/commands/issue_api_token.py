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
            "--user",
            action="append",
            default=[],
            help=(
                "把已有用户加入该机构，可重复（可在网页上传/粘贴核查）/ add an existing user "
                "to the organisation, repeatable (checks by upload or paste on the site)"
            ),
        )
        parser.add_argument(
            "--kind",
            choices=OrganisationKind.values,
            help="新建机构的类型 / kind of a new organisation (default: from the first scenario)",
        )

    def handle(self, *args, organisation, scenario, label, kind, user, **opts):
        from django.contrib.auth import get_user_model

        name = organisation.strip()
        if not name:
            raise CommandError("机构名称不能为空 / organisation name is required")
        User = get_user_model()
        members = []
        for username in user:
            found = User.objects.filter(username=username).first()
            if found is None:
                raise CommandError(f"用户不存在 / no such user: {username!r}")
            members.append(found)
        with transaction.atomic():
            org, created = Organisation.objects.get_or_create(
                name=name, defaults={"kind": kind or scenario[0]}
            )
            if not org.active:
                raise CommandError(f"机构已停用 / organisation {name!r} is inactive")
            token, raw = ApiToken.issue(org, scenario, label=label)
            org.users.add(*members)
        self.stdout.write(
            f"{'created' if created else 'existing'} organisation {org.name!r} (id {org.pk}); "
            f"token prefix {token.prefix}, scenarios {', '.join(token.scenarios)}. "
            "Store the token now: it is not shown again."
        )
        if members:
            self.stdout.write(
                f"members added / 已加入机构: {', '.join(u.get_username() for u in members)}"
            )
        self.stdout.write(raw)
