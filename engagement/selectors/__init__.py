"""Read paths: plain keyword-only functions, one module per concept."""
