FROM python:3.11-slim-bookworm
COPY scripts/apt-packages.txt /tmp/apt-packages.txt
RUN apt-get update \
    && grep -v '^#' /tmp/apt-packages.txt | xargs apt-get install -y --no-install-recommends \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml ./
COPY . .
RUN pip install --no-cache-dir . gunicorn \
    && DEBUG=1 python manage.py compilemessages --ignore=.venv \
    && DEBUG=1 python manage.py collectstatic --no-input
ENV PYTHONUNBUFFERED=1
CMD ["gunicorn", "harassguard.wsgi", "-b", "0.0.0.0:8000", "-w", "2", "--timeout", "300"]
