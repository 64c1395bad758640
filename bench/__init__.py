"""Benchmarks against the real server (uvicorn, PostgreSQL). Run them with ``make bench``;
they never run inside the test suite. Each compares against a baseline measured in the same
run and prints the ratio, because absolute figures on a shared 2-core machine are noisy."""
