# Rungs: the console tutor (and later the Discord and Slack bots) on one image.
# Build from the repository alone: docker build -t rungs .
FROM python:3.11.10-slim-bookworm AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY engine ./engine
COPY bot ./bot
COPY content ./content
# The wheel carries the content, so the runtime stage needs no source tree.
RUN python -m venv /opt/rungs && /opt/rungs/bin/pip install ".[discord,slack,postgres]"

FROM python:3.11.10-slim-bookworm
RUN groupadd --gid 10001 rungs && useradd --create-home --uid 10001 --gid 10001 rungs \
    && mkdir /data && chown 10001:10001 /data
COPY --from=build /opt/rungs /opt/rungs
ENV PATH=/opt/rungs/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    RUNGS_DATABASE_URL=sqlite:////data/rungs.db
USER 10001:10001
WORKDIR /home/rungs
VOLUME ["/data"]
ENTRYPOINT ["rungs"]
CMD ["console"]
