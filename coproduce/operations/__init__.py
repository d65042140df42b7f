"""Running the site in production: static files, health checks, request ids, logs, error reports.

docs/deployment.md describes how an operator uses each piece.
"""
