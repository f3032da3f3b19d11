"""``manage.py seed``: create (or reset) the demo user, and a second one for the tests that
switch accounts."""
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

USERS = [
    ("demo", "tokenward-demo", "demo@example.com"),
    ("ada", "tokenward-ada", "ada@example.com"),
]


class Command(BaseCommand):
    help = "Create or reset the demo users"

    def handle(self, *args, **options):
        for username, password, email in USERS:
            user, _ = get_user_model().objects.get_or_create(
                username=username, defaults={"email": email}
            )
            user.set_password(password)
            user.save()
            self.stdout.write(f"user: {username} / {password}")
