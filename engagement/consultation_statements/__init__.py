"""A consultation's "statements" questions: the link from a question to a statements activity
(deliberation/opinions, the one statements model rooms use too), its voting page in the
answering journey, its results on the consultation's results page and in the open data.

A bridge above both features: consultations import no other feature and live rooms nothing of
engagement, so the link lives here."""
