"""The ceiling for the HTTP layer: a bare Flask endpoint, served as Casework is."""

from __future__ import annotations

from flask import Flask, jsonify

app = Flask("bare")


@app.post("/ping")
def ping() -> object:
    return jsonify({"ok": True}), 201
