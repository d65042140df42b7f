"""Write paths (services): plain keyword-only functions, one module per concept."""
