"""The yardstick: a bare Flask app whose one route answers "ok", served as Pishvaz is.

bench.serve_bench divides each page's requests per second by this app's, measured just
before it, so that what the machine does meanwhile weighs on both figures alike.
"""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def ok() -> str:
    return "ok"
