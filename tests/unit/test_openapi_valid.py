"""Each service's OpenAPI document is a valid OpenAPI 3.1 document.

Checked by ``openapi-spec-validator`` (a dev dependency), which ships the official OpenAPI 3.1
JSON Schema and validates offline: the document against that schema, each Schema Object against
the OAS 3.1 dialect, and the rules a schema cannot express (every templated path parameter
declared, operation ids unique, defaults of the right type). Every error of a service is
listed, not only the first.
"""

from __future__ import annotations

import pytest
from openapi_spec_validator import OpenAPIV31SpecValidator

from lienthong.cli.contract_documents import openapi_document
from lienthong.contracts.services import SERVICE_NAMES


@pytest.mark.parametrize("service", SERVICE_NAMES)
def test_each_service_serves_a_valid_openapi_3_1_document(service: str) -> None:
    spec = openapi_document(service)

    errors = [
        f"{'/'.join(str(part) for part in error.absolute_path)}: {error.message}"
        for error in OpenAPIV31SpecValidator(spec).iter_errors()
    ]

    assert spec["openapi"].startswith("3.1."), spec["openapi"]
    assert errors == []
