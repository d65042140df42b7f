"""Read paths (selectors), one module per area: `results` for consultation results."""
