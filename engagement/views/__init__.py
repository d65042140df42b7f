"""Views, one module per area: `results` for consultation results, moderation and exports."""
