"""verl custom reward function that asks an Arbiter reward server.

Use it in a verl run:

    custom_reward_function.path=integrations/verl/arbiter_reward.py \
    custom_reward_function.name=compute_score \
    +custom_reward_function.reward_kwargs.url=http://REWARD_HOST:8080

Math rows need reward_model.ground_truth to be the answer; code rows (data sources listed in
CODE_SOURCES, or ability == "code") need it to be JSON tests: {"inputs": [...], "outputs": [...],
"fn_name": optional}. The returned dict always has the same keys, as verl requires. A response the
server could not judge (its sandbox failed) raises RuntimeError with the server's reason, rather
than scoring 0.
For code, verl's own sandbox reward can instead point reward_model.sandbox_fusion.url at
http://REWARD_HOST:8080/run_code.
"""

import json
import os
import urllib.request

CODE_SOURCES = {"codecontests", "apps", "codeforces", "taco", "livecodebench"}
_TOKEN = os.environ.get("ARBITER_REWARD_TOKEN")


def _post(url, payload, timeout):
    req = urllib.request.Request(url, data=json.dumps(payload).encode("utf-8"), method="POST")
    req.add_header("Content-Type", "application/json")
    if _TOKEN:
        req.add_header("Authorization", "Bearer " + _TOKEN)
    for attempt in range(5):
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                return json.loads(resp.read())
        except urllib.error.HTTPError as e:
            # 429/503 mean "busy, come back": the server says when in Retry-After.
            if e.code in (429, 503) and attempt < 4:
                import time

                time.sleep(float(e.headers.get("Retry-After", "1")))
                continue
            raise


def compute_score(data_source, solution_str, ground_truth, extra_info=None, url="http://127.0.0.1:8080", timeout=600, **kwargs):
    ability = (extra_info or {}).get("ability") if isinstance(extra_info, dict) else None
    is_code = data_source in CODE_SOURCES or ability == "code"
    item = {"kind": "code" if is_code else "math", "response": solution_str}
    if is_code:
        item["tests"] = ground_truth if isinstance(ground_truth, str) else json.loads(json.dumps(ground_truth, default=str))
    else:
        item["ground_truth"] = str(ground_truth)
    result = _post(url.rstrip("/") + "/v1/score", {"items": [item]}, timeout)["results"][0]
    if result.get("reward") is None:
        # The sandbox could not grade it: there is no score, and 0 would train on a lie.
        raise RuntimeError("arbiter could not score this response: %s" % result.get("reason"))
    terms = result["terms"]
    return {
        "score": result["reward"],
        "acc": bool(result["acc"]),
        "pred": result.get("pred") or "",
        "format_ok": bool(result["format_ok"]),
        "r_exploration": terms["exploration"],
        "r_garbage": terms["garbage"],
    }
