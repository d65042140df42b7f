"""The message table is the protocol: every client message docs/protocol.md lists is in it,
with the rule the docs give, and nothing else is."""

import re
from pathlib import Path

from deliberation.room_messages import FACILITATE, ROOM_MESSAGES, TAKE_PART

DOC = Path(__file__).resolve().parents[2] / "docs" / "protocol.md"


def _documented() -> dict[str, tuple[set[str], str]]:
    section = DOC.read_text().split("## Client → server", 1)[1].split("## Server → client", 1)[0]
    rows = {}
    for line in section.splitlines():
        match = re.match(r"^\| `([a-z.]+)` \| ([^|]*)\| ([^|]*)\|", line)
        if match:
            fields = set(re.findall(r"`(\w+)`", match.group(2)))
            rows[match.group(1)] = (fields, match.group(3).strip())
    return rows


def test_every_documented_message_is_in_the_table_and_nothing_else():
    assert set(_documented()) == set(ROOM_MESSAGES)


def test_each_message_has_the_documented_rule_and_client_id():
    for name, (fields, who) in _documented().items():
        message = ROOM_MESSAGES[name]
        expected = FACILITATE if who == "facilitators" else TAKE_PART
        assert message.rule == expected, name
        assert message.schema.needs_client_id == ("client_id" in fields), name
