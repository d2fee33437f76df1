"""Calls integrations/trl/arbiter_reward.py the way TRL's GRPOTrainer does (dataset columns as keyword
lists, numpy values among them) and prints what it returned (or raised) as JSON lines. Usage:
trl_shim_check.py MODE URL."""

import json
import os
import sys

import numpy as np

os.environ["ARBITER_REWARD_URL"] = sys.argv[2]
sys.path.insert(0, "integrations/trl")
from arbiter_reward import arbiter_reward, make_arbiter_reward  # noqa: E402

mode, url = sys.argv[1], sys.argv[2]
ADDER = "```python\na, b = map(int, input().split())\nprint(a + b)\n```"
NUMPY_TESTS = {"inputs": np.array(["1 2\n"]), "outputs": np.array(["3\n"])}


def said(content):
    return [{"role": "assistant", "content": content}]


def raised(call):
    try:
        return {"returned": call()}
    except RuntimeError as e:
        return {"raised": type(e).__name__, "status": getattr(e, "status", None), "message": str(e)}


if mode == "math":
    # The default function reads "answer"; TRL also passes completion_ids and trainer_state.
    print(json.dumps(arbiter_reward(prompts=["p", "p"], completions=[said("It is \\boxed{12}."), said("\\boxed{13}")],
                                    answer=["12", "12"], completion_ids=[[1], [2]], trainer_state=None)))
    # A dataset whose answers are in "solution"; rows without one are not this function's to score.
    reward = make_arbiter_reward(answer_column="solution", tests_column=None)
    solution = [np.str_("12"), np.array(["twelve", "12"]), None, np.float64("nan"), "", np.int64(13), np.int64(14)]
    completions = ["\\boxed{12}", "\\boxed{12}", "\\boxed{12}", "\\boxed{12}", "\\boxed{12}", "\\boxed{13}", "\\boxed{13}"]
    print(json.dumps(reward(prompts=["p"] * 7, completions=completions, solution=solution, answer=["12"] * 7, trainer_state=None)))
    # A batch with no row to score sends nothing.
    print(json.dumps(reward(prompts=["p"], completions=["\\boxed{1}"], solution=[None], trainer_state=None)))
elif mode == "errors":
    reward = make_arbiter_reward(answer_column="solution")
    print(json.dumps(raised(lambda: reward(prompts=["p"], completions=["\\boxed{1}"], answer=["1"], trainer_state=None))))
    print(json.dumps(raised(lambda: arbiter_reward(prompts=["p", "p"], completions=["\\boxed{1}", ADDER], answer=["1", None],
                                                   tests=[None, NUMPY_TESTS]))))
    print(json.dumps(raised(lambda: arbiter_reward(prompts=["p"], completions=["\\boxed{1}"], answer=[{"value": np.int64(1)}]))))
elif mode == "code":
    print(json.dumps(arbiter_reward(prompts=["p"] * 3, completions=[said(ADDER), said(ADDER.replace("+", "*")), said("\\boxed{3}")],
                                    answer=[None, None, np.int64(3)], tests=[NUMPY_TESTS, json.dumps({"inputs": ["1 2\n"], "outputs": ["3\n"]}), None])))
elif mode == "judge":
    # a server with an LLM judge: the prompt (plain, or the last user message) is the problem it is shown
    print(json.dumps(arbiter_reward(prompts=["What is 5 + 7?", [{"role": "system", "content": "Be brief."},
                                                                {"role": "user", "content": "What is 6 + 6?"}]],
                                    completions=["Twelve. ACCEPT-ME", said("A dozen. ACCEPT-ME")], answer=["12", "12"])))
elif mode == "unscored":
    print(json.dumps(raised(lambda: arbiter_reward(prompts=["p"], completions=[ADDER], tests=[NUMPY_TESTS]))))
else:
    sys.exit("unknown mode " + mode)
