"""verl reward function that asks an Arbiter reward server; see integrations/README.md.

    custom_reward_function.path=integrations/verl/arbiter_reward.py
    custom_reward_function.name=compute_score
    +custom_reward_function.reward_kwargs.url=http://REWARD_HOST:8080
    reward_model.reward_manager=batch      # optional: one HTTP request per batch instead of per sample

The same ``compute_score`` serves verl's per-sample managers (data_source, solution_str,
ground_truth, extra_info) and its batch manager (data_sources, solution_strs, ground_truths,
extra_infos, as lists or numpy arrays), which gets one request for the whole batch. Ground truths
may be numpy values as parquet gives them: they are sent as the lists, numbers and strings they
hold. Code rows (data sources in CODE_SOURCES, extra_info["ability"] == "code", or a ground truth
holding "inputs" and "outputs", as a dict or as its JSON text) send it as tests; the rest as the math answer, or a list of
acceptable answers, with extra_info["question"] (when there is one) as the problem an LLM judge is shown on a server started
with --judge. Each sample's dict has the same keys. What the server refuses, or could not
score, raises ArbiterError (a RuntimeError) with the server's own message; never a made-up 0.
"""

import importlib.util
import json
import os
import sys
from collections.abc import Mapping

if "arbiter_client" not in sys.modules:  # shared with the other shims, one folder up
    _spec = importlib.util.spec_from_file_location("arbiter_client", os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "arbiter_client.py"))
    sys.modules["arbiter_client"] = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(sys.modules["arbiter_client"])
from arbiter_client import ArbiterError, Client, plain  # noqa: E402

CODE_SOURCES = {"codecontests", "code_contests", "apps", "codeforces", "taco", "livecodebench", "deepcoder", "primeintellect"}


def _tests(truth):
    """The tests a ground truth holds, or None: a dict with inputs and outputs, or the same written as JSON
    (how verl's parquet files keep them), so a code row never goes to the math verifier whatever its source."""
    if isinstance(truth, str) and truth.lstrip()[:1] in ("{", "["):
        try:
            truth = json.loads(truth)
        except ValueError:
            return None
    if isinstance(truth, dict) and "inputs" in truth and "outputs" in truth:
        return truth
    if isinstance(truth, list) and truth and all(isinstance(t, dict) and "input" in t for t in truth):
        return truth
    return None


def _item(data_source, solution_str, ground_truth, extra_info):
    truth = plain(ground_truth)
    source = plain(data_source)
    ability = plain(extra_info.get("ability")) if isinstance(extra_info, Mapping) else None
    tests = _tests(truth)
    if tests is not None:
        truth = tests
    if (isinstance(source, str) and source in CODE_SOURCES) or ability == "code" or tests is not None:
        return {"kind": "code", "response": plain(solution_str), "tests": truth}
    item = {"kind": "math", "response": plain(solution_str), "ground_truth": truth}
    question = plain(extra_info.get("question")) if isinstance(extra_info, Mapping) else None
    if isinstance(question, str) and question:
        item["problem"] = question  # what a server started with --judge shows its LLM judge
    return item


def _row(result):
    terms = result["terms"]
    return {
        "score": result["reward"],
        "acc": bool(result["acc"]),
        "pred": result.get("pred") or "",
        "format_ok": bool(result["format_ok"]),
        "r_exploration": terms["exploration"],
        "r_garbage": terms["garbage"],
    }


def compute_score(data_source=None, solution_str=None, ground_truth=None, extra_info=None, url=None, timeout=600,
                  data_sources=None, solution_strs=None, ground_truths=None, extra_infos=None, **kwargs):
    client = Client(url, timeout=timeout)
    if solution_strs is None:
        result = client.score([_item(data_source, solution_str, ground_truth, extra_info)])[0]
        if result.get("reward") is None:
            # The sandbox could not grade it: there is no score, and 0 would train on a lie.
            raise ArbiterError("arbiter could not score this response: %s" % result.get("reason"))
        return _row(result)
    n = len(solution_strs)
    if n == 0:
        return []
    infos = [None] * n if extra_infos is None else extra_infos
    results = client.score([_item(data_sources[i], solution_strs[i], ground_truths[i], infos[i]) for i in range(n)])
    unscored = [i for i, r in enumerate(results) if r.get("reward") is None]
    if unscored:
        raise ArbiterError("arbiter could not score %d of %d responses (response %d: %s)"
                           % (len(unscored), n, unscored[0], results[unscored[0]].get("reason")))
    return [_row(r) for r in results]
