"""The privacy notice every consent is given under.

Raise the version when the notice changes, so consents recorded under an older version can be
asked for again. Imports nothing of the site, so profiles, the involvement passport and live
rooms all name the same version."""

PRIVACY_NOTICE_VERSION = "2026-11"
