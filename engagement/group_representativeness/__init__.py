"""Who took part in a co-production group in a year, against who lives here: a bridge above
live rooms (who came into the room), the involvement passport (the "about you" answers people
chose to keep) and consultations' representativeness code (the mapping, disclosure control and
intervals). Live rooms may not import engagement, and consultations may not import live rooms,
so it sits above both (docs/representativeness.md)."""
