"""Shared helper: turn a case's "body" object into bytes."""
import base64


def body_bytes(body):
    kind = body["kind"]
    if kind == "empty":
        return b""
    if kind == "utf8":
        return body["text"].encode("utf-8")
    if kind == "base64":
        return base64.b64decode(body["data"])
    if kind == "pattern":
        return bytes(i % 251 for i in range(body["length"]))
    raise ValueError(f"unknown body kind {kind!r}")
