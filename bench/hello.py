"""The yardstick: a bare Flask "hello" endpoint, served exactly like the portal."""

from flask import Flask

app = Flask(__name__)


@app.get("/hello")
def hello():
    return "hello"
