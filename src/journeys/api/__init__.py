"""The HTTP API: FastAPI routes over the services, with auth and error handling."""
