"""Writing the catalog: business services and the assets (configuration items) behind them.

The admin edits these rows; `demo/` seeds them. `actor` None is Tend itself (seeding) and
skips the permission check; everyone else needs the model's add/change/delete permission.
"""

from django.db import transaction

from itsm.models import Asset, Service, User
from itsm.services.access import require_model_perm


@transaction.atomic
def service_save(*, actor: User | None, service: Service) -> Service:
    """Create or change `service` as set on the instance (ValidationError if invalid)."""
    require_model_perm(actor, service)
    service.full_clean()
    service.save()
    return service


@transaction.atomic
def service_delete(*, actor: User | None, service: Service) -> None:
    require_model_perm(actor, service, "delete")
    service.delete()


@transaction.atomic
def asset_save(*, actor: User | None, asset: Asset) -> Asset:
    """Create or change `asset` as set on the instance (ValidationError if invalid)."""
    require_model_perm(actor, asset)
    asset.full_clean()
    asset.save()
    return asset


@transaction.atomic
def asset_delete(*, actor: User | None, asset: Asset) -> None:
    require_model_perm(actor, asset, "delete")
    asset.delete()
