"""WSGI entry point, for tools that need one; the product is served over ASGI by Daphne."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ecabinet.settings")
application = get_wsgi_application()
