"""TRL reward function backed by an Arbiter reward server; see integrations/README.md.

    from arbiter_reward import arbiter_reward, make_arbiter_reward
    trainer = GRPOTrainer(model=..., reward_funcs=[arbiter_reward], train_dataset=ds, args=GRPOConfig(...))
    # a dataset whose answers are in "solution", and no code:
    reward = make_arbiter_reward(answer_column="solution", tests_column=None)

The answer column (math: a string, a number, or a list of acceptable answers) and the tests column
(code: {"inputs", "outputs", "fn_name"} or LiveCodeBench's list, as JSON or a JSON string) are read
from the dataset columns TRL passes; numpy values are sent as the lists, numbers and strings they
hold. A math row's prompt goes along as the problem an LLM judge is shown on a server started with --judge. One HTTP
request scores the whole generation batch. A completion whose row has neither gets
None: TRL then leaves that row to the other reward functions. What the server refuses, or could not
score, raises ArbiterError (a RuntimeError) with the server's own message. ARBITER_REWARD_URL
(default http://127.0.0.1:8080) and ARBITER_REWARD_TOKEN say where the server is, unless the
factory is given url and token.
"""

import importlib.util
import os
import sys

if "arbiter_client" not in sys.modules:  # shared with the other shims, one folder up
    _spec = importlib.util.spec_from_file_location("arbiter_client", os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "arbiter_client.py"))
    sys.modules["arbiter_client"] = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(sys.modules["arbiter_client"])
from arbiter_client import ArbiterError, Client, plain  # noqa: E402


def _missing(value):
    return value is None or value == "" or value == [] or value == {}


def _prompt(prompt):
    # Conversational prompts are message lists: the last user message is the problem.
    if isinstance(prompt, list):
        users = [m.get("content") for m in prompt if isinstance(m, dict) and m.get("role") == "user"]
        return plain(users[-1]) if users and isinstance(plain(users[-1]), str) else ""
    p = plain(prompt)
    return p if isinstance(p, str) else ""


def _text(completion):
    # Conversational datasets give a list of messages; standard ones give a string.
    if isinstance(completion, list):
        return plain(completion[-1]["content"]) if completion else ""
    return plain(completion)


def make_arbiter_reward(answer_column="answer", tests_column="tests", url=None, token=None, timeout=600):
    """A TRL reward function that reads the ground truth from these dataset columns (None: no such column)."""
    client = Client(url, token, timeout)

    def arbiter_reward(prompts, completions, **columns):
        answers = columns.get(answer_column) if answer_column else None
        tests = columns.get(tests_column) if tests_column else None
        if answers is None and tests is None:
            wanted = " or ".join("'%s'" % c for c in (answer_column, tests_column) if c)
            raise ArbiterError("the batch has no %s column (its keyword arguments: %s); name the dataset's answer column with"
                               " make_arbiter_reward(answer_column=...)" % (wanted, ", ".join(sorted(columns)) or "none"))
        items, rows = [], []
        for i, completion in enumerate(completions):
            t = plain(tests[i]) if tests is not None else None
            a = plain(answers[i]) if answers is not None else None
            if not _missing(t):
                items.append({"id": str(i), "kind": "code", "response": _text(completion), "tests": t})
            elif not _missing(a):
                item = {"id": str(i), "kind": "math", "response": _text(completion), "ground_truth": a}
                problem = _prompt(prompts[i]) if prompts is not None and i < len(prompts) else ""
                if problem:
                    item["problem"] = problem  # what a server started with --judge shows its LLM judge
                items.append(item)
            else:
                continue
            rows.append(i)
        rewards = [None] * len(completions)
        results = client.score(items) if items else []
        for i, r in zip(rows, results):
            if r.get("reward") is None:
                # The sandbox could not grade it: that is no verdict on the completion, so no reward either.
                raise ArbiterError("arbiter could not score completion %d: %s" % (i, r.get("reason")))
            rewards[i] = r["reward"]
        return rewards

    return arbiter_reward


arbiter_reward = make_arbiter_reward()
