"""API errors: always JSON `{"detail": …}` (fields: `{"field": ["msg"]}`), never a 500 page.

A service's ValidationError becomes a 400 with field messages; an unreachable database a
503 with `Retry-After` (the same answer itsm/web/errors.py gives outside DRF views); a
unique constraint that a concurrent request won a 409.
"""

import contextlib

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from itsm.web.errors import DATABASE_ERRORS, RETRY_AFTER_SECONDS, database_unavailable_detail

CONFLICT = "This conflicts with a record saved at the same time; reload and try again."


def exception_handler(exc, context):
    if isinstance(exc, DATABASE_ERRORS):
        with contextlib.suppress(Exception):  # the connection itself may be gone
            transaction.set_rollback(True)
        return Response(database_unavailable_detail(), status=503,
                        headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
    if isinstance(exc, IntegrityError):  # a unique check raced past validation
        with contextlib.suppress(Exception):
            transaction.set_rollback(True)
        return Response({"detail": CONFLICT}, status=409)
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    return drf_exception_handler(exc, context)
