"""Request and response bodies of the HTTP API, as Pydantic models; they make up /openapi.json."""
