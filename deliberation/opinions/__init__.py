"""Statements, agree/disagree voting and opinion groups (the Pol.is method).

`analysis` is pure (numpy, scipy, scikit-learn; no Django) so it runs the same in the site, in
`manage.py analyse_opinions` and in the benchmark; `polis` reads and writes Pol.is's export
layout; the rest follows the room's layers (models, services and selectors, views).
"""
