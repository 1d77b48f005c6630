import factory
from django.contrib.auth.models import Group

from itsm.models import Asset, Service, Team, User
from tickets import services
from tickets.models import Category, Kind, Level


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", "pw")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if extracted:
            self.groups.add(Group.objects.get(name=extracted))
        if extracted == "Admin":
            self.is_staff = True
        self.save()


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Team {n}")


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Service {n}")


class AssetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Asset
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"srv-{n:03d}")
    service = factory.SubFactory(ServiceFactory)


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Category {n}")


def make_ticket(requester, **kwargs):
    """A ticket made the way users make them: through the service."""
    kwargs.setdefault("title", "Printer on floor 3 jams")
    kwargs.setdefault("description", "It jams on every **second** page.")
    kwargs.setdefault("kind", Kind.INCIDENT)
    kwargs.setdefault("impact", Level.MEDIUM)
    kwargs.setdefault("urgency", Level.MEDIUM)
    return services.ticket_create(requester=requester, **kwargs)


def mail_settled() -> None:
    """Send what earlier steps queued (a test's commit hooks do not run unless captured),
    then start with an empty mailbox."""
    from django.core import mail

    from tickets.services import outbox

    outbox.notifications_send_pending()
    mail.outbox.clear()


def api_key(user, **kwargs) -> str:
    """A new API token of `user`, as the key a script would send (Token <key>)."""
    from itsm.services import tokens

    kwargs.setdefault("name", "test script")
    return tokens.token_create(actor=user, **kwargs)[1]


def user_key(user) -> str:
    """One API key per user object for a test that signs in many times (as get_or_create
    of DRF's single token used to)."""
    if not getattr(user, "_test_api_key", None):
        user._test_api_key = api_key(user)
    return user._test_api_key
