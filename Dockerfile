# invoicegraph server image. Debian-based so the font and HarfBuzz packages match CI.
FROM python:3.11-slim-bookworm AS base

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      fonts-dejavu-core libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 \
      nodejs npm curl \
 && rm -rf /var/lib/apt/lists/*

COPY pyproject.toml README.md ./
COPY invoicegraph ./invoicegraph
COPY frontend ./frontend
COPY docs-frontend ./docs-frontend
COPY scripts ./scripts
# GraphiQL (/graphql) and Redoc (/docs) are built from the npm registry into the package before
# it is installed, so the image serves both pages with nothing fetched from a CDN
RUN scripts/build_graphiql.sh && scripts/build_docs.sh && pip install . \
 && rm -rf build frontend docs-frontend

RUN useradd --create-home --uid 10001 invoicegraph
USER invoicegraph
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --retries=5 \
  CMD curl -fsS http://127.0.0.1:8000/health || exit 1
# `serve` migrates the database before it starts listening
CMD ["invoicegraph", "serve", "--host", "0.0.0.0", "--port", "8000", "--workers", "2"]
