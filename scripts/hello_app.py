"""The yardstick of the HTTP benchmark: a bare Flask app that answers "hello", served by gunicorn with Co-Lab's own
settings (gunicorn -c gunicorn.conf.py --pythonpath scripts hello_app:app), so a page's throughput can be given as a
share of the most this machine, Python, Flask and gunicorn can do."""
from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "hello"
