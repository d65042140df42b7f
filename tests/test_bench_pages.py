"""The pages benchmark's own parts that a run relies on and a figure cannot show wrong: nginx in
front of several servers spreads requests over all of them, and the profile summary counts each
sampled frame once per stack."""

import http.server
import shutil
import threading
import urllib.request

from bench.pages import balanced, summarise_stacks
from tests.conftest import require


def _server(name: str) -> http.server.ThreadingHTTPServer:
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):  # noqa: N802 - the standard library's name
            body = name.encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def test_nginx_in_front_sends_requests_to_every_server():
    require(shutil.which("nginx") is not None, "needs nginx (Debian's package)")
    backends = [_server("one"), _server("two")]
    try:
        urls = [f"127.0.0.1:{server.server_address[1]}" for server in backends]
        with balanced(urls) as base:
            assert base.startswith("http://127.0.0.1:") and base[7:] not in urls
            answers = set()
            for _ in range(6):
                with urllib.request.urlopen(base + "/", timeout=5) as response:  # noqa: S310
                    answers.add(response.read().decode())
        assert answers == {"one", "two"}
    finally:
        for server in backends:
            server.shutdown()
            server.server_close()


def test_one_server_is_loaded_directly():
    with balanced(["127.0.0.1:8123"]) as base:
        assert base == "http://127.0.0.1:8123"


def test_the_profile_summary_counts_a_frame_once_per_stack():
    stacks = "\n".join(
        [
            "main (a.py:1);view (b.py:2);query (c.py:3) 6",
            "main (a.py:1);view (b.py:2);render (d.py:4);render (d.py:4) 3",
            "main (a.py:1);idle (e.py:5) 1",
            "not a stack line",
        ]
    )
    summary = summarise_stacks(stacks)
    assert summary.splitlines()[0].startswith("10 samples")
    inclusive = summary.split("\nself:\n")[0].splitlines()[1:]
    shares = {line.split("  ")[-1]: line.split()[0] for line in inclusive}
    assert shares["main (a.py:1)"] == "100.0%"
    assert shares["view (b.py:2)"] == "90.0%"
    assert shares["render (d.py:4)"] == "30.0%"  # recursion counted once
    assert summarise_stacks("") == "no samples"
