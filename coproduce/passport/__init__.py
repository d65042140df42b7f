"""The involvement passport: one consented record of a person's access needs, how they like to
be contacted and how they like to be paid. Below every feature (it imports none), so live rooms
and engagement both read it; docs/passport.md."""
