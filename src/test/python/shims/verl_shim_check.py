"""Calls integrations/verl/arbiter_reward.py the way verl does, with numpy values as parquet gives
them, and prints what it returned (or raised) as JSON lines. Usage: verl_shim_check.py MODE URL."""

import json
import sys

import numpy as np

sys.path.insert(0, "integrations/verl")
from arbiter_reward import compute_score  # noqa: E402

mode, url = sys.argv[1], sys.argv[2]
HALF = "so $\\boxed{\\frac{1}{2}}$"
ADDER = "```python\na, b = map(int, input().split())\nprint(a + b)\n```"
SUBTRACTER = "```python\na, b = map(int, input().split())\nprint(a - b)\n```"
NUMPY_TESTS = {"inputs": np.array(["1 2\n", "5 7\n"]), "outputs": np.array(["3\n", "12\n"]), "fn_name": None}


def raised(call):
    try:
        return {"returned": call()}
    except RuntimeError as e:
        return {"raised": type(e).__name__, "status": getattr(e, "status", None), "field": getattr(e, "field", None), "message": str(e)}


if mode == "single":
    cases = [
        ("lighteval/MATH", HALF, np.str_("0.5"), {"index": np.int64(0), "split": np.str_("train")}),
        # A list of acceptable answers; str() of it would read as its last one, 0.3.
        ("lighteval/MATH", HALF, np.array(["1/2", "0.3"]), None),
        ("lighteval/MATH", "so $\\boxed{3}$", np.array([np.int64(4)]), None),
        ("lighteval/MATH", "it is \\boxed{4}", np.int64(4), {"ability": np.str_("math")}),
        ("lighteval/MATH", "it is \\boxed{2.5}", np.float64(2.5), None),
        ("lighteval/MATH", "no box, 7", "7", None),
    ]
    print(json.dumps([compute_score(s, r, gt, extra_info=e, url=url) for s, r, gt, e in cases]))
elif mode == "batch":
    # verl's batch reward manager: keyword lists, data sources and extra infos as numpy object arrays.
    print(json.dumps(compute_score(
        data_sources=np.array(["lighteval/MATH", "math_dapo", "lighteval/MATH", "aime"], dtype=object),
        solution_strs=[HALF, "\\boxed{3}", "I give up", "\\boxed{204}"],
        ground_truths=[np.array(["1/2"]), np.str_("4"), np.str_("1"), np.array(["204", "-1"])],
        extra_infos=np.array([{"index": np.int64(i)} for i in range(3)] + [None], dtype=object),
        url=url)))
elif mode == "errors":
    print(json.dumps(raised(lambda: compute_score("lighteval/MATH", "\\boxed{7}", {"answer": np.str_("7")}, url=url))))
    print(json.dumps(raised(lambda: compute_score("livecodebench", ADDER, NUMPY_TESTS, url=url))))
    print(json.dumps(raised(lambda: compute_score(data_sources=["math", "codecontests"], solution_strs=["\\boxed{1}", ADDER],
                                                  ground_truths=["1", NUMPY_TESTS], extra_infos=None, url=url))))
elif mode == "code":
    # The last two: tests as the JSON text verl's parquet keeps, from a data source the shim has never heard of.
    json_tests = json.dumps({"inputs": ["1 2\n", "5 7\n"], "outputs": ["3\n", "12\n"]})
    print(json.dumps(compute_score(
        data_sources=np.array(["codecontests", "apps", "my_code_set", "lighteval/MATH", "someone/code-rl", "someone/code-rl"], dtype=object),
        solution_strs=[ADDER, SUBTRACTER, ADDER, "\\boxed{12}", ADDER, SUBTRACTER],
        ground_truths=[NUMPY_TESTS, NUMPY_TESTS, NUMPY_TESTS, np.array(["12"]), np.str_(json_tests), json_tests],
        extra_infos=np.array([None, None, {"ability": np.str_("code")}, None, None, None], dtype=object),
        url=url)))
elif mode == "judge":
    # a server with an LLM judge: extra_info's question is the problem it is shown
    print(json.dumps(compute_score("lighteval/MATH", "Twelve. ACCEPT-ME", np.str_("12"), extra_info={"question": np.str_("What is 5 + 7?")},
                                   url=url)))
elif mode == "unscored":
    print(json.dumps(raised(lambda: compute_score("livecodebench", ADDER, NUMPY_TESTS, url=url))))
    print(json.dumps(raised(lambda: compute_score(data_sources=["apps"], solution_strs=[ADDER], ground_truths=[NUMPY_TESTS],
                                                  extra_infos=[None], url=url))))
else:
    sys.exit("unknown mode " + mode)
