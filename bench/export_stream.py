"""Benchmark: the full responses CSV of a consultation with 100,000 submitted responses.

    DATABASE_URL=postgres://… python -m bench.export_stream [--responses 100000] [--keep]

Loads the responses as bench.consultation_results does (a throwaway database next to
DATABASE_URL's), then downloads the CSV export through Django's test client as a commissioner
and reports: time to the first byte and to the first rows, rows per second over the whole
file, and memory (the peak Python allocation during a second download, with tracemalloc, and
the process's peak RSS). It also times the export with its cells made in Python (two queries
per batch, the answers grouped in Python), as before they were made in PostgreSQL, on the same
data in the same run, so the comparison holds whatever the machine's load, and fails unless
the two files are the same byte for byte (their SHA-256). Writes bench/results-export.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import resource
import sys
import time
import tracemalloc
from pathlib import Path

from bench.consultation_results import load, setup_django

ROOT = Path(__file__).resolve().parent.parent
RESULTS_JSON = ROOT / "bench" / "results-export.json"


def _before(consultation):
    """The responses CSV with its cells made in Python (two queries per batch, the answers
    grouped by response), as before they were made in PostgreSQL and as other databases do."""
    from unittest import mock

    from engagement.consultations import exports

    with mock.patch.object(exports, "_batches", exports._batches_two_queries):
        yield from exports.responses_csv(consultation, cells_in_database=False)


def _measure(chunks) -> dict:
    started = time.perf_counter()
    first_byte = first_rows = None
    size = lines = 0
    digest = hashlib.sha256()
    for chunk in chunks:
        if isinstance(chunk, str):
            chunk = chunk.encode()
        now = time.perf_counter() - started
        if first_byte is None:
            first_byte = now
        elif first_rows is None:
            first_rows = now
        size += len(chunk)
        lines += chunk.count(b"\n")
        digest.update(chunk)
    total = time.perf_counter() - started
    rows = lines - 1
    return {
        "rows": rows,
        "bytes": size,
        "seconds": round(total, 2),
        "rows_per_second": round(rows / total),
        "first_byte_ms": round(first_byte * 1000, 1),
        "first_rows_ms": round((first_rows or total) * 1000, 1),
        "sha256": digest.hexdigest(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args(argv)
    setup_django()
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    from coproduce.accounts import roles
    from tests import factories

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.settings_dict.setdefault("TEST", {})["NAME"] = f"test_{old_name}_export"
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        now = dt.datetime.now(dt.UTC)
        consultation = factories.make_consultation(
            title="Short breaks for carers",
            opens_at=now - dt.timedelta(days=60),
            closes_at=now - dt.timedelta(days=1),
        )
        print(f"Loading {args.responses:,} responses…", flush=True)
        load(consultation, responses=args.responses, seed=args.seed)
        commissioner = factories.UserFactory(email="bench-commissioner@example.org")
        commissioner.groups.add(Group.objects.get(name=roles.COMMISSIONER))
        client = Client()
        client.force_login(commissioner)
        url = reverse("engagement:consultation_responses_export", args=[consultation.pk, "csv"])

        def download():
            response = client.get(url)
            assert response.status_code == 200 and response.streaming
            return response.streaming_content

        report = {
            "benchmark": "export_stream",
            "date": dt.date.today().isoformat(),
            "responses": args.responses,
            "load_average_before": os.getloadavg(),
        }
        report["export"] = _measure(download())
        print(f"export now: {report['export']}", flush=True)
        report["export_two_queries_per_batch"] = _measure(_before(consultation))
        print(f"two queries per batch: {report['export_two_queries_per_batch']}", flush=True)
        # The two ways must make the same file, byte for byte.
        report["same_file"] = (
            report["export"]["sha256"] == report["export_two_queries_per_batch"]["sha256"]
        )
        assert report["same_file"], "the export made in PostgreSQL differs from Python's"
        tracemalloc.start()
        for _chunk in download():
            pass
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        report["peak_python_allocation_mib"] = round(peak / 2**20, 1)
        report["peak_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        report["load_average_after"] = os.getloadavg()
        print(json.dumps(report, indent=2))
        RESULTS_JSON.write_text(json.dumps(report, indent=2) + "\n")
    finally:
        if not args.keep:
            connection.creation.destroy_test_db(old_name, verbosity=0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
