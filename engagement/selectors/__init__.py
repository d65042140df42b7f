"""Read paths (selectors): plain keyword-only functions, one module per concept."""
