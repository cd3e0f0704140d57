# syntax=docker/dockerfile:1
# Build: install exactly the locked dependencies into a virtualenv, then copy only that.
FROM python:3.11-slim-bookworm AS build
COPY --from=ghcr.io/astral-sh/uv:0.13.8 /uv /usr/local/bin/uv
ENV UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/opt/jobbot
WORKDIR /src
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --locked --no-dev --no-install-project
COPY bot ./bot
RUN uv sync --locked --no-dev --no-editable

FROM python:3.11-slim-bookworm
RUN useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin jobbot \
    && mkdir /data && chown 10001 /data
COPY --from=build /opt/jobbot /opt/jobbot
ENV PATH=/opt/jobbot/bin:$PATH PYTHONUNBUFFERED=1 JOBBOT_HOST=0.0.0.0 JOBBOT_PORT=3000 \
    JOBBOT_DB=/data/jobbot.db
# Watches live in the SQLite file here (unless JOBBOT_DB points at PostgreSQL): keep it.
VOLUME ["/data"]
USER 10001
WORKDIR /home/jobbot
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen(f\"http://127.0.0.1:{os.environ.get('JOBBOT_PORT', '3000')}/healthz\", timeout=2)"]
STOPSIGNAL SIGTERM
CMD ["jobbot", "serve"]
