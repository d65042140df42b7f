"""Views, one module per concept."""
