# Production image: gunicorn serves the app, WhiteNoise the (vendored, compressed) static files.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=mds.settings.prod
WORKDIR /app
COPY pyproject.toml ./
COPY . .
RUN pip install --no-cache-dir . \
    && SECRET_KEY=build-only-$(python -c 'import secrets;print(secrets.token_urlsafe(50))') \
       python manage.py collectstatic --noinput
RUN useradd --system --uid 10001 mds && chown -R mds /app
USER mds
EXPOSE 8000
CMD ["gunicorn", "mds.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
