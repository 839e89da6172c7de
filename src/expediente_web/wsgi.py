"""WSGI entry point: `expediente serve` runs it with waitress; any WSGI server can too."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "expediente_web.settings")
application = get_wsgi_application()
