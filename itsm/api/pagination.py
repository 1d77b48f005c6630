"""API paging that never counts more than a cap of rows, with page sizes checked."""

from collections import OrderedDict

from rest_framework import exceptions
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from itsm.web.paging import CappedPaginator

PAGE_SIZE_MESSAGE = "A whole number from 1; sizes over {max} give {max}."


class CappedPageNumberPagination(PageNumberPagination):
    """Page numbers without an exact COUNT(*) over a million rows: counts stop at a cap."""

    django_paginator_class = CappedPaginator
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None or raw == "":
            return self.page_size
        # Not silently the default: a client asking for "null" rows has a bug to hear about.
        if not (raw.isascii() and raw.isdigit()) or int(raw) < 1:
            raise exceptions.ValidationError(
                {self.page_size_query_param: [PAGE_SIZE_MESSAGE.format(max=self.max_page_size)]})
        return min(int(raw), self.max_page_size)

    def get_paginated_response(self, data):
        paginator = self.page.paginator
        return Response(OrderedDict([
            ("count", paginator.count),
            ("count_is_exact", not paginator.capped),
            ("next", self.get_next_link()),
            ("previous", self.get_previous_link()),
            ("results", data),
        ]))

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["properties"]["count_is_exact"] = {"type": "boolean"}
        return response

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["description"] = (f"Results per page, default {self.page_size}; "
                                            f"over {self.max_page_size} gives "
                                            f"{self.max_page_size}.")
            else:
                parameter["description"] = "A page number from 1; past the last page is a 404."
        return parameters
