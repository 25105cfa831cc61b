"""The Flask peer for bench/peers/flask.sh: Flask-Session keeping sessions in Redis,
with the same two endpoints as Tessera's benchmark measures.

    POST /login    signs the caller in (the session holds a user name)
    GET  /session  the signed-in user, or 401: one Redis read (and Flask-Session's write back)
    GET  /live     touches no session: the cost of HTTP and Flask alone

Run by gunicorn with REDIS_URL and FLASK_SECRET_KEY in the environment; see bench/README.md.
"""

import os

import redis
from flask import Flask, jsonify, session
from flask_session import Session

app = Flask(__name__)
app.config.update(
    # Every worker process needs the same key, or each refuses the others' cookies.
    SECRET_KEY=os.environ["FLASK_SECRET_KEY"],
    SESSION_TYPE="redis",
    SESSION_REDIS=redis.from_url(os.environ["REDIS_URL"]),
    SESSION_USE_SIGNER=True,
)
Session(app)


@app.post("/login")
def login():
    session["user"] = "bench"
    return jsonify(user=session["user"])


@app.get("/session")
def current():
    user = session.get("user")
    if user is None:
        return jsonify(error={"code": "NOT_LOGGED_IN", "message": "Log in first."}), 401
    return jsonify(user=user)


@app.get("/live")
def live():
    return jsonify(status="ok")
