"""The ceiling for the HTTP layer: a bare Flask endpoint, served as Casework is."""

from __future__ import annotations

from flask import Flask, Response, jsonify

app = Flask("bare")


@app.post("/ping")
def ping() -> tuple[Response, int]:
    return jsonify({"ok": True}), 201
