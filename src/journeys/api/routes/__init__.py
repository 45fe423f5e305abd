"""One module per group of routes; each exposes a FastAPI `router`.

`journeys.api.app` includes every module of this package, so a new group of
routes needs no registration elsewhere.
"""
