# Tend web image; the same image runs the worker and beat (see docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=itsm.config.settings \
    STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/data/media

WORKDIR /app
RUN groupadd --system tend \
 && useradd --system --gid tend --home-dir /app --no-create-home --shell /usr/sbin/nologin tend

# Dependencies first, so a code change does not reinstall them.
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
# collectstatic only loads the settings: a throwaway key, no database or broker needed.
# /data/media is created here, owned by tend, so a fresh named volume inherits that owner.
RUN SECRET_KEY=collectstatic-only-not-used-at-runtime DEBUG=0 \
      python manage.py collectstatic --noinput --verbosity 0 \
 && mkdir -p /data/media /app/var \
 && chown -R tend:tend /data /app/var

USER tend
EXPOSE 8000

# The login page answers without a session. X-Forwarded-Proto keeps SECURE_SSL_REDIRECT
# from answering the probe with a redirect; ALLOWED_HOSTS must include 127.0.0.1.
HEALTHCHECK --interval=30s --timeout=5s --start-period=40s --retries=3 \
  CMD ["python", "-c", "import urllib.request as u; u.urlopen(u.Request('http://127.0.0.1:8000/accounts/login/', headers={'X-Forwarded-Proto': 'https'}), timeout=4)"]

# Workers and timeout: gunicorn.conf.py (WEB_CONCURRENCY, default one per core).
CMD ["gunicorn", "itsm.config.wsgi", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
