"""TRL reward function backed by an Arbiter reward server.

    from arbiter_reward import arbiter_reward
    trainer = GRPOTrainer(model=..., reward_funcs=[arbiter_reward], train_dataset=ds, args=GRPOConfig(...))

The dataset needs an "answer" column (math) or a "tests" column (code, JSON {"inputs", "outputs",
"fn_name"}). One HTTP request scores the whole generation batch. Set ARBITER_REWARD_URL (default
http://127.0.0.1:8080) and, if the server wants one, ARBITER_REWARD_TOKEN. A completion the server
could not judge (its sandbox failed) raises RuntimeError with the server's reason, rather than
scoring 0.
"""

import json
import os
import time
import urllib.request

URL = os.environ.get("ARBITER_REWARD_URL", "http://127.0.0.1:8080").rstrip("/") + "/v1/score"
TOKEN = os.environ.get("ARBITER_REWARD_TOKEN")


def _text(completion):
    # Conversational datasets give a list of messages; standard ones give a string.
    if isinstance(completion, list):
        return completion[-1]["content"] if completion else ""
    return completion


def arbiter_reward(prompts, completions, answer=None, tests=None, **kwargs):
    items = []
    for i, c in enumerate(completions):
        if tests is not None and tests[i] is not None:
            items.append({"id": str(i), "kind": "code", "response": _text(c), "tests": tests[i]})
        else:
            items.append({"id": str(i), "kind": "math", "response": _text(c), "ground_truth": str(answer[i])})
    req = urllib.request.Request(URL, data=json.dumps({"items": items}).encode("utf-8"), method="POST")
    req.add_header("Content-Type", "application/json")
    if TOKEN:
        req.add_header("Authorization", "Bearer " + TOKEN)
    for attempt in range(10):
        try:
            with urllib.request.urlopen(req, timeout=600) as resp:
                results = json.loads(resp.read())["results"]
            break
        except urllib.error.HTTPError as e:
            if e.code in (429, 503) and attempt < 9:
                time.sleep(float(e.headers.get("Retry-After", "1")))
                continue
            raise
    unscored = [r for r in results if r.get("reward") is None]
    if unscored:
        # The sandbox could not grade these: TRL would sum a None as 0, so stop the step instead.
        raise RuntimeError("arbiter could not score %d of %d completions: %s" % (len(unscored), len(results), unscored[0].get("reason")))
    return [r["reward"] for r in results]
