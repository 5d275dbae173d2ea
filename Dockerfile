# syntax=docker/dockerfile:1

# The package is built into a virtual environment in one stage and copied
# alone into the next, so that the runtime image carries no build cache.
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/viax
WORKDIR /build
COPY pyproject.toml README.md ./
COPY src ./src
RUN /opt/viax/bin/pip install .

FROM python:3.11-slim
ENV PATH=/opt/viax/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    VIAX_HOST=0.0.0.0 \
    VIAX_PORT=8000
RUN useradd --system --uid 10001 --user-group \
        --home-dir /var/lib/viax --create-home viax
COPY --from=build /opt/viax /opt/viax
USER viax
# The embedded SQLite default lands here when no VIAX_DATABASE_URL is given.
WORKDIR /var/lib/viax
EXPOSE 8000
ENTRYPOINT ["viax"]
CMD ["serve"]
