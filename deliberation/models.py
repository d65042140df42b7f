"""Co-production groups, sessions, agendas and the per-session event log."""
