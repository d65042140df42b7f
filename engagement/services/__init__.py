"""Write paths (services), one module per concept."""
