# WILDCAT in a container: `docker build -t wildcat .` then see docker-compose.yml.
# The server keeps its SQLite store, media and WhatsApp sessions under /data (a volume).
FROM python:3.11-slim-bookworm

# ffmpeg: voice notes (ogg/opus) and video thumbnails; libmagic1: file-type detection.
# Debian's stable versions are what we want, so the packages are not pinned.
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg libmagic1 \
 && rm -rf /var/lib/apt/lists/*

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    HOST=0.0.0.0 \
    PORT=3000 \
    WILDCAT_DATA_DIR=/data

WORKDIR /app
COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt
COPY app.py ./
COPY wildcat ./wildcat
COPY workers ./workers

# A fixed non-root uid, so a bind-mounted ./data can be chowned to it on the host.
RUN groupadd --system --gid 10001 wildcat \
 && useradd --system --uid 10001 --gid 10001 --home-dir /data --shell /usr/sbin/nologin wildcat \
 && mkdir -p /data \
 && chown 10001:10001 /data
USER 10001:10001
VOLUME ["/data"]
EXPOSE 3000

# /health answers 200 when the store is reachable and the worker threads live; the check
# sends WILDCAT_API_KEY when one is set.
HEALTHCHECK --interval=30s --timeout=5s --start-period=40s --retries=3 \
  CMD ["python", "-m", "wildcat.healthcheck"]

# SIGTERM (docker stop) closes every account cleanly: give it the 30 s it may need.
STOPSIGNAL SIGTERM
CMD ["python", "app.py"]
