"""The built web app: `ui/` compiles into `dist/` here, and the API serves it at `/`."""
