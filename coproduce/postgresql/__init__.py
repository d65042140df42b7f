"""Django's PostgreSQL backend, with a pooled connection checked without a round trip when it
can be (`base.py`). Settings choose it when the pool is on (`settings.base.database_pool`)."""
