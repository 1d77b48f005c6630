"""A paginator whose count stops at a cap, so page 1 of a huge queue stays cheap."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property

COUNT_CAP = 1_000


class CappedPaginator(Paginator):
    """`count` is exact up to `cap`; past it, `capped` is True and pages end at the cap."""

    cap = COUNT_CAP
    _capped = False

    @cached_property
    def count(self) -> int:
        # Counting a LIMITed subquery reads at most cap+1 rows instead of every match.
        counted = self.object_list.order_by()[: self.cap + 1].count()
        self._capped = counted > self.cap
        return min(counted, self.cap)

    @property
    def capped(self) -> bool:
        return self.count >= self.cap and self._capped
