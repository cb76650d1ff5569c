# One image for the four lienthong services: `lienthong serve NAME` picks the service
# (docker-compose.yml gives each its command and environment). Built in two stages: the first
# installs the project and its dependencies into a virtualenv, the second copies only that venv
# onto a clean base and runs it as an unprivileged user.
#
#   docker build -t lienthong:0.1.0 .
#   docker run --rm -e KAFKA_BOOTSTRAP_SERVERS=... -e DATABASE_URL=... -e HOST=0.0.0.0 \
#       -p 8000:8000 lienthong:0.1.0 lienthong serve gateway

# Pinned to a patch release: the same bytes of Python on every machine that builds this.
ARG PYTHON_IMAGE=python:3.11.13-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/lienthong
WORKDIR /src
# What `pip install .` needs: the metadata (pyproject.toml names README.md) and the packages.
COPY pyproject.toml README.md ./
COPY lienthong ./lienthong
COPY services ./services
# The runtime dependencies only: no dev extras (tests, linters, browsers) in the image.
RUN /opt/lienthong/bin/pip install .

FROM ${PYTHON_IMAGE}
ENV PATH=/opt/lienthong/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1
# credentials/: where compose mounts the volume of the API keys; made here, owned by the
# user, so that a new volume is created with that owner and the services can write the keys.
RUN groupadd --system --gid 10001 lienthong \
    && useradd --system --uid 10001 --gid lienthong --create-home --home-dir /home/lienthong \
        --shell /usr/sbin/nologin lienthong \
    && install -d -o lienthong -g lienthong -m 700 /home/lienthong/credentials
COPY --from=build /opt/lienthong /opt/lienthong
# The gateway shows examples/*.json in its OpenAPI docs, and `lienthong load` submits them; both
# look for examples/ beside the installed packages (site-packages), so that is where it goes.
COPY examples /opt/lienthong/lib/python3.11/site-packages/examples
USER lienthong
WORKDIR /home/lienthong
# The services' default ports (lienthong/contracts/services.py); each listens on its PORT.
EXPOSE 8000 8001 8002 8003
CMD ["lienthong", "serve", "gateway"]
