"""OpenRLHF's remote reward call with several reward URLs, made as its trainer makes it, for checking a
set of replicated Arbiter reward servers without a trainer (and for tests).

OpenRLHF (--remote_rm_url A,B,... ; later --reward.remote_url) cuts a batch of n queries into one
contiguous slice per URL, ceil(n / len(urls)) queries each and the last ones shorter: URL i gets
queries [i * size, (i + 1) * size). It posts every slice at once, an empty one too when the batch is
smaller than that, and concatenates the replies in URL order. ``get_rewards`` does the same.

    python3 integrations/openrlhf/remote_rewards.py http://a:8080/get_reward,http://b:8080/get_reward < batch.json

reads ``{"query": [...], "prompts": [...], "labels": [...]}`` and prints the joined reply.
Standard library only.
"""

import concurrent.futures
import importlib.util
import json
import os
import sys

if "arbiter_client" not in sys.modules:  # shared with the other shims, one folder up
    _spec = importlib.util.spec_from_file_location("arbiter_client", os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "arbiter_client.py"))
    sys.modules["arbiter_client"] = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(sys.modules["arbiter_client"])
from arbiter_client import ArbiterError, post_json  # noqa: E402


def shards(count, urls):
    """``(url, start, end)`` for each URL in order, as OpenRLHF slices a batch of ``count`` queries."""
    size = (count + len(urls) - 1) // len(urls)
    return [(url, min(i * size, count), min((i + 1) * size, count)) for i, url in enumerate(urls)]


def get_rewards(urls, query, prompts=None, labels=None, token=None, timeout=600):
    """The reply for the whole batch: each URL's slice posted at once, the replies' lists joined in URL
    order (``rewards``, ``scores``, each ``extra_logs`` key, and any other list). Raises ``ArbiterError``
    when a server refuses its slice or answers the wrong number of rewards."""
    if not urls:
        raise ValueError("no reward URL given")
    token = token if token is not None else os.environ.get("ARBITER_REWARD_TOKEN")

    def post(url, start, end):
        payload = {"query": query[start:end]}
        if prompts is not None:
            payload["prompts"] = prompts[start:end]
        if labels is not None:
            payload["labels"] = labels[start:end]
        reply = post_json(url, payload, token, timeout)
        if len(reply.get("rewards", [])) != end - start:
            raise ArbiterError("the reward server at %s returned %d rewards for %d queries" % (url, len(reply.get("rewards", [])), end - start))
        return reply

    with concurrent.futures.ThreadPoolExecutor(len(urls)) as pool:
        replies = [f.result() for f in [pool.submit(post, *s) for s in shards(len(query), urls)]]
    return _join(replies)


def _join(replies):
    joined = {}
    for reply in replies:
        for key, value in reply.items():
            if isinstance(value, list):
                joined.setdefault(key, []).extend(value)
            elif isinstance(value, dict):
                logs = joined.setdefault(key, {})
                for name, values in value.items():
                    logs.setdefault(name, []).extend(values)
    return joined


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: remote_rewards.py URL[,URL...] < batch.json")
    batch = json.load(sys.stdin)
    try:
        print(json.dumps(get_rewards(sys.argv[1].split(","), batch["query"], batch.get("prompts"), batch.get("labels"))))
    except ArbiterError as e:
        sys.exit("remote_rewards.py: %s" % e)
