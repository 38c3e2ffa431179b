# Production image: gunicorn serving Django; the same image runs the Celery worker and beat.
FROM node:20-bookworm-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=config.settings.production
WORKDIR /app
COPY pyproject.toml ./
# Pango: WeasyPrint's text layout for the printed requests and dossiers.
RUN apt-get update -q && apt-get install -y -q --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
    && rm -rf /var/lib/apt/lists/*
RUN pip install --no-cache-dir . && useradd --system --uid 1000 rop \
    && mkdir -p /data/documents && chown rop /data/documents && chmod 700 /data/documents
COPY --from=assets /app/node_modules ./node_modules
COPY . .
RUN SECRET_KEY=build-only python manage.py collectstatic --noinput
USER rop
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
