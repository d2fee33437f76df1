"""The client that the trainer shims in this folder share: plain JSON out of numpy, and the server's
own words back when it refuses.

Standard library only; numpy, pandas and torch values are read through their ``tolist()``, so none of
them needs to be installed. The shims load this file from beside their own folder: keep integrations/
together.
"""

import json
import math
import os
import time
import urllib.error
import urllib.request
from collections.abc import Mapping


class ArbiterError(RuntimeError):
    """The reward server refused a request, or could not score an item; the message carries its reason as it gave it."""

    def __init__(self, message, status=None, field=None):
        super().__init__(message)
        self.status = status
        self.field = field


def plain(value):
    """``value`` as plain JSON values: numpy arrays and scalars (and anything else with ``tolist()``)
    become lists and Python numbers or strings, through dicts and lists, and a NaN (a missing value in
    a dataframe) becomes None. Never ``str()`` of an array: what cannot be sent faithfully raises."""
    if value is None or isinstance(value, (bool, int)):
        return value
    if isinstance(value, str):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if math.isinf(value):
            raise ValueError("cannot send an infinite number to the reward server")
        return float(value)
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    tolist = getattr(value, "tolist", None)
    if callable(tolist):
        return plain(tolist())
    raise TypeError("cannot send a %s to the reward server as JSON" % type(value).__name__)


class Client:
    """Scores items on an Arbiter reward server's ``/v1/score``."""

    def __init__(self, url=None, token=None, timeout=600, attempts=5):
        base = url or os.environ.get("ARBITER_REWARD_URL", "http://127.0.0.1:8080")
        self.url = base.rstrip("/") if base.rstrip("/").endswith("/v1/score") else base.rstrip("/") + "/v1/score"
        self.token = token if token is not None else os.environ.get("ARBITER_REWARD_TOKEN")
        self.timeout = timeout
        self.attempts = attempts

    def score(self, items):
        """The server's results for ``items``, in order, from one request; a batch over the server's
        body limit (413) is sent again in halves."""
        try:
            results = self._post({"items": items})["results"]
        except ArbiterError as e:
            if e.status != 413 or len(items) < 2:
                raise
            half = len(items) // 2
            return self.score(items[:half]) + self.score(items[half:])
        if len(results) != len(items):
            raise ArbiterError("the reward server at %s returned %d results for %d items" % (self.url, len(results), len(items)))
        return results

    def _post(self, payload):
        return post_json(self.url, payload, self.token, self.timeout, self.attempts)


def post_json(url, payload, token=None, timeout=600, attempts=5):
    """POSTs ``payload`` as JSON to ``url`` and returns the JSON reply. A 429 or 503 with
    ``Retry-After`` is sent again after that many seconds, up to ``attempts`` tries; any other refusal
    raises ``ArbiterError`` with the server's own reason."""
    data = json.dumps(payload, allow_nan=False).encode("utf-8")
    for attempt in range(attempts):
        req = urllib.request.Request(url, data=data, method="POST")
        req.add_header("Content-Type", "application/json")
        if token:
            req.add_header("Authorization", "Bearer " + token)
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                return json.loads(resp.read())
        except urllib.error.HTTPError as e:
            retry_after = e.headers.get("Retry-After")
            # Busy now (a full queue, a failing sandbox): the server says when to come back.
            if retry_after is not None and attempt + 1 < attempts:
                time.sleep(float(retry_after))
                continue
            message, field = _reason(e)
            raise ArbiterError("the reward server at %s answered %d: %s" % (url, e.code, message), e.code, field) from None
        except urllib.error.URLError as e:
            raise ArbiterError("cannot reach the reward server at %s: %s" % (url, e.reason)) from None


def _reason(e):
    body = e.read()
    try:
        error = json.loads(body)["error"]
        return error["message"], error.get("field")
    except (ValueError, KeyError, TypeError):
        return (body.decode("utf-8", "replace").strip() or e.reason), None
