"""Read paths (selectors), one module per concept."""
