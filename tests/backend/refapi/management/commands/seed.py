"""``manage.py seed``: create (or reset) the demo user."""
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "tokenward-demo"


class Command(BaseCommand):
    help = "Create or reset the demo user"

    def handle(self, *args, **options):
        user, _ = get_user_model().objects.get_or_create(
            username=DEMO_USERNAME, defaults={"email": "demo@example.com"}
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        self.stdout.write(f"demo user: {DEMO_USERNAME} / {DEMO_PASSWORD}")
