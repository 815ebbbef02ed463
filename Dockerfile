# The web and worker image used by docker-compose.yml.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

COPY . .
RUN useradd --system --home-dir /app bzpeer \
    && DEBUG=0 SECRET_KEY=collectstatic-only DATABASE_URL=postgres://build@localhost/none \
       REDIS_URL=redis://localhost:6379/0 python manage.py collectstatic --noinput \
    && chown -R bzpeer /app/staticfiles
USER bzpeer

EXPOSE 8000
CMD ["gunicorn", "bzpeer.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
