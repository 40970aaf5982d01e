"""The WSGI entry point: gunicorn 'wsgi:app'. Refuses to start without COLAB_SECRET_KEY."""
from colab import create_app

app = create_app()
