"""WSGI entry point: `expediente serve` runs it with waitress; any WSGI server can too."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "expediente_web.settings")
application = get_wsgi_application()

# No built-in secret key: any WSGI server refuses to start without a real one, as `serve` does.
from expediente_web.protection.secret_key import require_secret_key  # noqa: E402

require_secret_key()
