"""The demo's people, teams, services, assets and categories, and seed_base() that writes them.

seed_base() is safe to run again: everything is looked up by name first. Missing rows
are written through the services the admin uses (itsm.services.directory and catalog,
tickets.services.config) with actor=None: Tend itself. The SLA policies for services
that run around the clock are in demo/sla.py.
"""

import random
from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.db import transaction

from demo import sla
from itsm import roles
from itsm.models import Asset, Service, Team, User
from itsm.services.catalog import asset_save, service_save
from itsm.services.directory import team_save, user_save
from tickets.models import Category
from tickets.services.config import category_save

DEMO_PASSWORD = "demo"  # noqa: S105 - printed on the login banner on purpose


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role: str
    job_title: str
    teams: tuple[str, ...] = ()
    is_staff: bool = False


USERS = (
    DemoUser("alice", "Alice", "Archer", roles.END_USER, "Accountant, Finance"),
    DemoUser("bob", "Bob", "Baker", roles.END_USER, "Account manager, Sales"),
    DemoUser("carol", "Carol", "Cooper", roles.END_USER, "HR advisor"),
    DemoUser("dee", "Dee", "Desk", roles.DSE, "Support engineer",
             teams=("Service Desk", "Infrastructure")),
    DemoUser("dan", "Dan", "Duty", roles.DSE, "Support engineer",
             teams=("Service Desk", "Applications")),
    DemoUser("manny", "Manny", "Manager", roles.MANAGER, "Head of IT support"),
    DemoUser("ada", "Ada", "Admin", roles.ADMIN, "IT administrator",
             teams=("Infrastructure", "Applications"), is_staff=True),
)
END_USERS = tuple(u.username for u in USERS if u.role == roles.END_USER)

# name -> lead's username
TEAMS = {"Service Desk": "dee", "Infrastructure": "dee", "Applications": "dan"}

# name -> (owner team, description)
SERVICES = {
    "Email": ("Infrastructure", "Mailboxes, shared mailboxes, calendars and mail flow."),
    "VPN": ("Infrastructure", "Remote access to the office network from home and on the road."),
    "Wi-Fi": ("Infrastructure", "Staff and guest wireless in every office."),
    "Laptops": ("Service Desk", "Company laptops, docks, monitors and accessories."),
    "ERP": ("Applications", "Finance, purchasing and stock (the ERP system)."),
    "File shares": ("Infrastructure", "Department drives and their backups."),
    "Printing": ("Service Desk", "Printers, scanners and print queues."),
    "Website": ("Applications", "The public website and its contact forms."),
    "IT portal": ("Applications", "This portal: asking IT for help, the support desk, the "
                                  "API and the service status page."),
}

# name, kind, service, hostname, ip, location
ASSETS = (
    ("mail-01", "server", "Email", "mail-01.corp.example", "10.10.1.11", "DC1 rack A3"),
    ("mail-02", "server", "Email", "mail-02.corp.example", "10.10.1.12", "DC2 rack B1"),
    ("mx-gw-1", "network", "Email", "mx1.example.com", "10.10.0.25", "DC1 rack A1"),
    ("vpn-gw-1", "network", "VPN", "vpn1.example.com", "10.10.0.5", "DC1 rack A1"),
    ("vpn-gw-2", "network", "VPN", "vpn2.example.com", "10.20.0.5", "DC2 rack B1"),
    ("radius-01", "server", "VPN", "radius-01.corp.example", "10.10.1.30", "DC1 rack A2"),
    ("wlc-01", "network", "Wi-Fi", "wlc-01.corp.example", "10.10.0.40", "DC1 rack A1"),
    ("ap-floor2-west", "network", "Wi-Fi", "", "10.30.2.21", "Floor 2, west wing"),
    ("ap-floor3-east", "network", "Wi-Fi", "", "10.30.3.22", "Floor 3, east wing"),
    ("mdm-01", "server", "Laptops", "mdm-01.corp.example", "10.10.1.50", "DC1 rack A2"),
    ("erp-app-1", "application", "ERP", "erp-app-1.corp.example", "10.10.2.10", "DC1 rack A4"),
    ("erp-app-2", "application", "ERP", "erp-app-2.corp.example", "10.10.2.11", "DC2 rack B2"),
    ("erp-db-1", "database", "ERP", "erp-db-1.corp.example", "10.10.2.20", "DC1 rack A4"),
    ("fs-01", "server", "File shares", "fs-01.corp.example", "10.10.3.10", "DC1 rack A5"),
    ("fs-02", "server", "File shares", "fs-02.corp.example", "10.20.3.10", "DC2 rack B3"),
    ("backup-01", "server", "File shares", "backup-01.corp.example", "10.20.3.50",
     "DC2 rack B3"),
    ("print-01", "server", "Printing", "print-01.corp.example", "10.10.4.10", "DC1 rack A2"),
    ("prn-3-east", "other", "Printing", "prn-3-east.corp.example", "10.30.3.60",
     "Floor 3, east wing"),
    ("web-01", "vm", "Website", "web-01.example.com", "10.40.0.11", "Cloud, eu-west"),
    ("web-02", "vm", "Website", "web-02.example.com", "10.40.0.12", "Cloud, eu-west"),
    ("web-db-1", "database", "Website", "web-db-1.example.com", "10.40.0.20",
     "Cloud, eu-west"),
    ("lb-01", "network", "Website", "lb-01.example.com", "10.40.0.5", "Cloud, eu-west"),
)

# name -> (default team, description)
CATEGORIES = {
    "Hardware": ("Service Desk", "Laptops, monitors, docks, phones and other kit."),
    "Software": ("Applications", "Installing, licensing or fixing an application."),
    "Access & accounts": ("Service Desk", "Passwords, MFA, new starters, leavers, permissions."),
    "Network": ("Infrastructure", "Wi-Fi, VPN, cabling and internet access."),
    "Email": ("Infrastructure", "Mailboxes, calendars and mail that does not arrive."),
    "Printing": ("Service Desk", "Printers, scanners and toner."),
    "Other": ("Service Desk", "Anything that fits nowhere else."),
}


def team_members(team: str) -> list[str]:
    return [u.username for u in USERS if team in u.teams]


def first_name(username: str) -> str:
    return next(u.first_name for u in USERS if u.username == username)


FIRST_NAMES = ("James", "Mary", "Ahmed", "Chloe", "Daniel", "Emma", "Finn", "Hana", "Ivan",
               "Julia", "Kofi", "Laura", "Mohammed", "Nina", "Omar", "Paula", "Rahul", "Sara",
               "Theo", "Uma", "Victor", "Wendy", "Yusuf", "Zoe", "Leo", "Mia", "Ravi", "Elena")
LAST_NAMES = ("Smith", "Jones", "Patel", "Nowak", "Garcia", "Kim", "Okafor", "Müller",
              "Rossi", "Dubois", "Silva", "Khan", "Brown", "Walsh", "Novak", "Sato", "Lindqvist",
              "Osei", "Murphy", "Costa")


def staff_directory(count: int) -> list[tuple[str, str, str]]:
    """(username, first, last) for `count` end users that the scale data files for."""
    people = [(first, last) for last in LAST_NAMES for first in FIRST_NAMES]
    rng = random.Random(7)  # noqa: S311 - demo data, not secrets
    rng.shuffle(people)
    out = []
    for i in range(count):
        first, last = people[i % len(people)]
        suffix = "" if i < len(people) else str(i // len(people) + 1)
        username = f"{first}.{last}{suffix}".lower().replace("ü", "u")
        out.append((username, first, last))
    return out


@dataclass
class Demo:
    """The demo rows by name, as the ticket stories and scale data refer to them."""

    users: dict[str, User]
    teams: dict[str, Team]
    services: dict[str, Service]
    assets: dict[str, Asset]
    categories: dict[str, Category]


@transaction.atomic
def seed_base() -> Demo:
    """The demo people (password "demo", each in their role's group), teams, services,
    assets and categories, looked up by name; a changed password is left alone."""
    groups = {group.name: group for group in Group.objects.filter(name__in=roles.ALL)}
    users = {}
    for spec in USERS:
        user = User.objects.filter(username=spec.username).first()
        if user is None:
            user = User(username=spec.username, first_name=spec.first_name,
                        last_name=spec.last_name, email=f"{spec.username}@example.com",
                        job_title=spec.job_title, is_staff=spec.is_staff)
            user.set_password(DEMO_PASSWORD)
            user_save(actor=None, user=user, groups=[groups[spec.role]])
        users[spec.username] = user
    teams = {}
    for name, lead in TEAMS.items():
        team = Team.objects.filter(name=name).first()
        members = set(team.members.all()) if team else set()
        wanted = members | {users[u] for u in team_members(name)}
        if team is None or wanted != members:  # members others added stay
            team = team_save(actor=None, team=team or Team(name=name, lead=users[lead]),
                             members=wanted)
        teams[name] = team
    service_rows = {}
    for name, (owner, description) in SERVICES.items():
        service_rows[name] = Service.objects.filter(name=name).first() or service_save(
            actor=None, service=Service(name=name, owner_team=teams[owner],
                                        description=description))
    assets = {}
    for name, kind, service, hostname, ip, location in ASSETS:
        assets[name] = Asset.objects.filter(name=name).first() or asset_save(
            actor=None, asset=Asset(name=name, kind=kind, service=service_rows[service],
                                    hostname=hostname, ip_address=ip, location=location))
    categories = {}
    for name, (team, description) in CATEGORIES.items():
        categories[name] = Category.objects.filter(name=name).first() or category_save(
            actor=None, category=Category(name=name, default_team=teams[team],
                                          description=description))
    # Before any demo ticket, so their SLA clocks run on these policies from the start.
    sla.seed_policies()
    return Demo(users=users, teams=teams, services=service_rows, assets=assets,
                categories=categories)
