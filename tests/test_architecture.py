"""The house-plan checks in tools/ can fail: each one runs on a small fixture tree with a
violation (and reports it at the right line) and on a clean one (and reports nothing); then
on the real tree, where it must find nothing.

In the fixtures a line ending in `# WRITE` is where check_writes must report, and nowhere else.
"""

import subprocess
import sys
import textwrap
from pathlib import Path

from tools import check_cycles, check_layout, check_writes

ROOT = Path(__file__).resolve().parent.parent


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip())


def marked(root: Path, apps: list[str]) -> set[tuple[str, int]]:
    return {(str(path.relative_to(root)), number)
            for app in apps for path in sorted((root / app).rglob("*.py"))
            for number, line in enumerate(path.read_text().splitlines(), 1)
            if line.endswith("# WRITE")}


MODELS = '''
    """Fixture models."""
    from django.db import models


    class Calendar(models.Model):
        touched = models.DateTimeField(null=True)


    class Order(models.Model):
        tags = models.ManyToManyField("Tag")


    class Line(models.Model):
        order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")


    class Period(models.Model):
        calendar = models.ForeignKey(Calendar, on_delete=models.CASCADE)

        def save(self, *args, **kwargs):
            super().save(*args, **kwargs)
            Calendar.objects.filter(pk=self.calendar_id).update(touched=None)  # WRITE

        def delete(self, *args, **kwargs):
            return super().delete(*args, **kwargs)


    class Settings(models.Model):
        @classmethod
        def load(cls):
            return cls.objects.get_or_create(pk=1)[0]  # WRITE
'''

WRITING_VIEW = '''
    """A view that writes by itself."""
    from django.db import connection

    from shop.models import Order


    def order_new(request, form, order, line):
        Order.objects.create(number=1)  # WRITE
        form.save()  # WRITE
        order.save(update_fields=["number"])  # WRITE
        order.lines.all().delete()  # WRITE
        order.tags.add(1)  # WRITE
        line.order.lines.clear()  # WRITE
        pending = Order.objects.filter(number=2)
        pending.update(number=3)  # WRITE
        with connection.cursor() as cursor:
            cursor.execute("UPDATE shop_order SET number = %s", [4])  # WRITE
            cursor.execute(f"DELETE FROM {order._meta.db_table}")  # WRITE
            cursor.execute(INSERT, [5])  # WRITE
        Order.objects.bulk_create([Order(number=6)])  # WRITE
        Order.objects.update_or_create(  # WRITE
            number=7, defaults={})
        order.delete()  # writes: allowed
        order.delete()  # writes: allowed because the fixture proves the escape hatch


    INSERT = "INSERT INTO shop_order (number) VALUES (%s)"


    class OrderForm:
        def save(self, commit=True):
            return super().save(commit)  # WRITE
'''
WRITING_VIEW = WRITING_VIEW.replace(
    "order.delete()  # writes: allowed\n", "order.delete()  # writes: allowed  # WRITE\n")

CLEAN_VIEW = '''
    """A view that only reads, and calls things that are not the ORM."""
    from django.contrib import messages
    from django.core.cache import cache
    from django.core.files.storage import default_storage
    from django.db import connection

    from shop import services
    from shop.models import Order


    def order_page(request, form, context, params):
        context.update({"orders": Order.objects.all()})
        params.copy().update(page=2)
        found = {}
        found["x"].update(y=1)
        seen = set()
        seen.add(1)
        seen.clear()
        cache.set("k", 1)
        cache.delete("k")
        default_storage.delete("a/b")
        messages.add_message(request, messages.INFO, "ok")
        request.session.save()
        draft = form.save(commit=False)
        with connection.cursor() as cursor:
            cursor.execute("SELECT id FROM shop_order WHERE number = %s FOR UPDATE", [1])
            cursor.execute("SET LOCAL jit = off")
        services.order_create(actor=request.user, draft=draft)
'''

SERVICE = '''
    """The one place orders are written."""
    from django.db import connection, transaction

    from shop.models import Order


    @transaction.atomic
    def order_create(*, actor, draft):
        draft.save()
        Order.objects.filter(pk=draft.pk).update(number=1)
        Order.objects.bulk_create([Order(number=2)])
        draft.tags.add(1)
        with connection.cursor() as cursor:
            cursor.execute("UPDATE shop_order SET number = 3")
'''

DEMO = '''
    """Demo seeding: bulk loads directly, everything else through services."""
    from django.db import connection

    from shop.models import Order


    def seed():
        Order.objects.bulk_create([Order(number=1)])
        with connection.cursor() as cursor:
            cursor.execute("COPY shop_order (number) FROM STDIN")
        Order.objects.get_or_create(number=2)  # WRITE
'''


def test_writes_are_reported_at_their_line(tmp_path):
    write(tmp_path, {
        "shop/models.py": MODELS,
        "shop/web/views.py": WRITING_VIEW,
        "shop/web/clean.py": CLEAN_VIEW,
        "shop/services/orders.py": SERVICE,
        "shop/migrations/0002_fill.py": SERVICE,
        "demo/seed.py": DEMO,
    })
    findings, allowances = check_writes.check(tmp_path, apps=["shop", "demo"])

    assert {(f.path, f.line) for f in findings} == marked(tmp_path, ["shop", "demo"])
    assert [(a.path, a.reason) for a in allowances] == [
        ("shop/web/views.py", "the fixture proves the escape hatch")]
    by_line = {f.line: str(f) for f in findings if f.path == "shop/web/views.py"}
    assert by_line[8] == ("shop/web/views.py:8: Order.objects.create() is an ORM write outside "
                          "services/ (DESIGN.md: only services write)")
    assert "needs a reason" in by_line[23]


def test_clean_code_and_services_report_nothing(tmp_path):
    models = "\n".join(line[:len(line) - len(line.lstrip())] + "pass"
                       if line.endswith("# WRITE") else line for line in MODELS.splitlines())
    write(tmp_path, {
        "shop/models.py": models,
        "shop/web/clean.py": CLEAN_VIEW,
        "shop/services/orders.py": SERVICE,
    })
    assert check_writes.check(tmp_path, apps=["shop"]) == ([], [])


def test_check_writes_exits_1_with_the_findings(tmp_path):
    write(tmp_path, {
        "pyproject.toml": '[tool.importlinter]\nroot_packages = ["shop"]\n',
        "shop/web/views.py": WRITING_VIEW,
    })
    done = subprocess.run([sys.executable, "tools/check_writes.py", "--root", str(tmp_path)],
                          cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 1
    assert "shop/web/views.py:8: Order.objects.create() is an ORM write" in done.stdout


def test_import_cycles_count_module_level_imports(tmp_path):
    write(tmp_path, {
        "loopapp/__init__.py": '"""Fixture app."""\n',
        "loopapp/web/__init__.py": "",
        "loopapp/web/views.py": "from loopapp.services import orders\n",
        "loopapp/services/__init__.py": "",
        "loopapp/services/orders.py": "from loopapp.web import views\n",
        "loopapp/tasks.py": "from loopapp.services import orders\n",
        "loopapp/services/queue.py": "def later():\n    from loopapp import tasks\n",
    })
    cycles = check_cycles.find_cycles(tmp_path, apps=["loopapp"])

    assert [(c.package, c.path) for c in cycles] == [
        ("loopapp", ["loopapp.services", "loopapp.web", "loopapp.services"])]
    assert [(i.path, i.line) for i in cycles[0].imports] == [
        ("loopapp/services/orders.py", 1), ("loopapp/web/views.py", 1)]

    deferred = check_cycles.find_cycles(tmp_path, apps=["loopapp"], include_deferred=True)
    assert ["loopapp.services", "loopapp.tasks", "loopapp.services"] in [
        c.path for c in deferred]


def test_a_module_importing_its_own_package_back_is_a_cycle(tmp_path):
    write(tmp_path, {
        "reapp/__init__.py": "",
        "reapp/selectors/__init__.py": "from .checks import board\n",
        "reapp/selectors/checks.py": "from reapp.selectors import STATES\nboard = 1\n",
        "cleanapp/__init__.py": "",
        "cleanapp/selectors/__init__.py": "from .checks import board\n",
        "cleanapp/selectors/checks.py": "from cleanapp.selectors import states\nboard = 1\n",
        "cleanapp/selectors/states.py": "STATES = []\n",
    })
    cycles = check_cycles.find_cycles(tmp_path, apps=["reapp", "cleanapp"])
    assert [c.path for c in cycles] == [
        ["reapp.selectors", "reapp.selectors.checks", "reapp.selectors"]]


PYPROJECT = '''
    [tool.importlinter]
    root_packages = ["core", "desk", "demo"]

    [[tool.importlinter.contracts]]
    id = "ladder"
    name = "ladder"
    type = "layers"
    layers = ["desk", "core"]

    [[tool.importlinter.contracts]]
    id = "no-demo"
    name = "no demo"
    type = "forbidden"
    source_modules = ["core", "desk"]
    forbidden_modules = ["demo"]
'''


def test_layout_problems_are_reported(tmp_path):
    write(tmp_path, {
        "pyproject.toml": PYPROJECT,
        "core/__init__.py": "",
        "core/apps.py": '"""Core app config."""\n',
        "core/admin.py": "from django.contrib import admin\n",
        "core/big.py": '"""Too long."""\n' + "x = 1\n" * 400,
        "core/desk_views.py": '"""Prefixed."""\n',
        "core/models_sla/__init__.py": '"""Prefixed package."""\n',
        "core/migrations/0001_initial.py": "x = 1\n" * 500,
        "desk/__init__.py": '"""Desk."""\n',
        "desk/apps.py": '"""Desk app config."""\n',
        "demo/apps.py": '"""Demo app config."""\n',
        "knowledge/apps.py": '"""A new app nobody put on the ladder."""\n',
        "tests/test_long.py": '"""Too long."""\n' + "x = 1\n" * 401,
    })
    problems = check_layout.check(tmp_path)

    assert problems == [
        "pyproject.toml:1: app `knowledge` is missing from [tool.importlinter] root_packages, "
        "a rung of the 'ladder' contract, source_modules of the 'no-demo' contract "
        "(see the ladder comment there)",
        "core/admin.py:1: no docstring: say in its first line what it holds",
        "core/big.py:1: 401 lines, over 400: split it by aggregate",
        "core/desk_views.py:1: `desk_views` is a prefix standing in for a folder: use desk/",
        "core/models_sla/__init__.py:1: `models_sla` is a prefix standing in for a folder: "
        "use models/",
        "tests/test_long.py:1: 402 lines, over 400: split it by aggregate",
    ]


def test_a_clean_layout_reports_nothing(tmp_path):
    write(tmp_path, {
        "pyproject.toml": PYPROJECT,
        "core/__init__.py": "",
        "core/apps.py": '"""Core app config."""\n',
        "core/web/desk/views.py": '"""Desk views."""\n' + "x = 1\n" * 398,
        "desk/apps.py": '"""Desk app config."""\n',
        "demo/apps.py": '"""Demo app config."""\n',
    })
    assert check_layout.check(tmp_path) == []


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(Path(sys.executable).parent / "lint-imports"), "--no-cache"],
                          cwd=root, capture_output=True, text=True, check=False)


def test_the_real_import_contracts_fail_on_an_upward_import(tmp_path):
    """The contracts in pyproject.toml, run on stub apps: clean passes, upward fails."""
    apps = ["itsm", "tickets", "knowledge", "inbound", "maintenance", "monitoring", "capacity",
            "problems", "reports", "integrations", "demo", "agent"]
    write(tmp_path, {f"{app}/__init__.py": "" for app in apps})
    (tmp_path / "pyproject.toml").write_text((ROOT / "pyproject.toml").read_text())
    write(tmp_path, {"reports/figures.py": "import tickets\nimport itsm\n",
                     "demo/seed.py": "import reports\n"})
    assert lint_imports(tmp_path).returncode == 0

    write(tmp_path, {"itsm/roles.py": "import tickets\n",
                     "monitoring/board.py": "import demo.seed\n"})
    done = lint_imports(tmp_path)
    assert done.returncode == 1
    assert "itsm is not allowed to import tickets" in done.stdout
    assert "monitoring.board -> demo.seed" in done.stdout


def test_the_real_tree_has_no_writes_outside_services():
    findings, _ = check_writes.check()
    assert [str(f) for f in findings] == []


def test_the_real_tree_has_no_import_cycles_inside_an_app():
    assert [str(c) for c in check_cycles.find_cycles()] == []


def test_the_real_tree_keeps_the_layout():
    assert check_layout.check() == []
