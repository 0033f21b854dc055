"""`manage.py ensure_admin`: make sure a superuser exists and say how to sign in.

Creates `admin` with a random password when there is no superuser, prints the user name and
password, and keeps the password in var/admin-password.txt (var/ is git-ignored, the file is
readable by its owner only) so `make run` can show it again.
"""

import os
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

USERNAME = "admin"


def password_file() -> Path:
    return (
        Path(getattr(settings, "VAR_DIR", Path(settings.BASE_DIR) / "var")) / "admin-password.txt"
    )


class Command(BaseCommand):
    help = "确保存在超级用户 / Ensure a superuser exists (creates 'admin' with a random password)."

    def handle(self, *args, **options):
        User = get_user_model()
        existing = User.objects.filter(is_superuser=True).order_by("pk").first()
        path = password_file()
        if existing is not None:
            name = existing.get_username()
            self.stdout.write(f"管理员 / admin user: {name}")
            stored = path.read_text(encoding="utf-8").strip() if path.exists() else ""
            if stored and existing.check_password(stored):
                self.stdout.write(f"密码 / password: {stored}")
            else:
                self.stdout.write(
                    "密码已在创建时显示；如需重置请运行 / the password was printed when the user "
                    f"was created; to reset it run: manage.py changepassword {name}"
                )
            return

        password = secrets.token_urlsafe(12)
        User.objects.create_superuser(username=USERNAME, email="", password=password)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(password + "\n", encoding="utf-8")
        os.chmod(path, 0o600)
        self.stdout.write(self.style.SUCCESS("已创建超级用户 / superuser created"))
        self.stdout.write(f"管理员 / admin user: {USERNAME}")
        self.stdout.write(f"密码 / password: {password}")
        self.stdout.write(f"（密码另存于 / also saved in {path}）")
