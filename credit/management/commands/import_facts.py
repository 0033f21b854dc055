from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from credit.importers import KINDS, run_import

SHOWN_ERRORS = 50


class Command(BaseCommand):
    help = (
        "导入生产经营主体或信用记录 / Import producers or credit facts from CSV or XLSX "
        "(DESIGN §9). All or nothing: any error writes nothing and saves an error report."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=KINDS, help="what the file holds")
        parser.add_argument("file", help="path of a .csv (UTF-8 or GB18030) or .xlsx file")
        parser.add_argument(
            "--dry-run", action="store_true", help="validate and count only; write nothing"
        )
        parser.add_argument(
            "--report",
            metavar="PATH",
            help="where to write the error report CSV "
            "(default var/import-reports/<kind>-<time>.csv)",
        )
        parser.add_argument(
            "--user",
            metavar="USERNAME",
            help="record facts and audit events as this user (and limit the "
            "import to the user's region)",
        )
        parser.add_argument(
            "--no-recompute",
            action="store_true",
            help="do not queue the grade recompute of the affected producers "
            "(run recompute_grades later)",
        )

    def handle(
        self, *args, kind, file, dry_run=False, report=None, user=None, no_recompute=False, **opts
    ):
        account = None
        if user:
            User = get_user_model()
            try:
                account = User.objects.get(**{User.USERNAME_FIELD: user})
            except User.DoesNotExist:
                raise CommandError(f"用户不存在 / unknown user {user!r}") from None
        try:
            with open(file, "rb") as fh:
                result = run_import(
                    kind,
                    fh,
                    file,
                    dry_run=dry_run,
                    user=account,
                    progress=True,
                    report_path=report,
                    recompute=not no_recompute,
                )
        except FileNotFoundError:
            raise CommandError(f"文件不存在 / no such file: {file}") from None
        except IsADirectoryError:
            raise CommandError(f"不是文件 / not a file: {file}") from None

        if not result.ok:
            for err in result.errors[:SHOWN_ERRORS]:
                self.stderr.write(err.line())
            if result.error_count > SHOWN_ERRORS:
                self.stderr.write(f"……（另有 {result.error_count - SHOWN_ERRORS} 处错误，见报告）")
            raise CommandError(
                f"导入失败：共 {result.error_count} 处错误，未写入任何数据。"
                f"错误报告 / error report: {result.report_path}\n"
                f"Import failed: {result.error_count} error(s); nothing was written."
            )
        prefix = "试导入（未写入）/ dry run, nothing written: " if dry_run else ""
        for line in result.summary_lines():
            self.stdout.write(prefix + line)
        if result.counts.get("recompute_failed"):
            self.stderr.write(
                "警告：数据已导入，但信用等级重新计算未能排队；请运行 recompute_grades。"
                " / Warning: imported, but scheduling the grade recompute failed."
            )
