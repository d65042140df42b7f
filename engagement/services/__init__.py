"""Write paths (services), one module per area: `moderation` hides and shows free text."""
