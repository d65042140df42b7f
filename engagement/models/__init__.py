"""Engagement models, one module per concept (consultations, profiles, decisions)."""
