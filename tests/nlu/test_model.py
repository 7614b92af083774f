"""The classifier beside the rules: plain data, no scikit-learn at run time, context, confidence, reproducible."""
from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from bot.nlu import CATEGORY_LABELS, Lexicon, parse
from bot.nlu.examples import HELD_OUT_SETS, TRAIN_SETS, read_sets
from bot.nlu.model import MODEL_FILE, TextModel

NOW = datetime.fromisoformat("2026-11-18T09:00:00+08:00")
ROOT = Path(__file__).resolve().parents[2]


def test_the_model_is_plain_json_and_reading_it_needs_no_scikit_learn() -> None:
    code = ("import sys; from datetime import datetime; from bot.nlu import parse; "
            "p = parse('厕所反味熏得头疼', datetime.fromisoformat('2026-11-18T09:00:00+08:00'), context='private'); "
            "print(p.intent, 'sklearn' in sys.modules, 'numpy' in sys.modules, 'pickle' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    intent, sklearn, numpy, _ = out.split()
    assert intent == "report" and sklearn == "False" and numpy == "False"
    with open(MODEL_FILE, encoding="utf-8") as f:
        assert json.load(f)["format"].startswith("sanzhang-nlu-linear")


def test_a_resident_who_writes_privately_about_a_trouble_is_heard() -> None:
    # Words no rule knows; in a private chat, not greeting nor thanks: a request.
    for text in ("天台上的杂物堆了半年了", "厕所反味熏得头疼", "楼道墙皮掉得厉害"):
        assert parse(text, NOW, context="private").intent == "report", text
    for text in ("你好", "谢谢你们", "好的 知道了", ""):
        assert parse(text, NOW, context="private").intent != "report", text


def test_staff_writing_privately_are_not_taken_for_residents_with_requests() -> None:
    assert parse("下午我去趟社区", NOW, context="private", role="grid_worker").intent == "chitchat"


def test_confidence_is_a_probability_and_higher_for_plain_cases() -> None:
    sure = parse("5栋2单元302卫生间漏水了", NOW)
    vague = parse("那个事情你看一下", NOW)
    assert 0.0 <= vague.confidence <= 1.0 and 0.0 <= sure.confidence <= 1.0
    assert sure.confidence > 0.9 and sure.confidence > vague.confidence


def test_intensifiers_are_not_jokes() -> None:
    for text in ("漏水漏得厉害", "楼上吵得厉害 天天的"):
        assert parse(text, NOW).intent == "report", text


def test_without_a_model_the_rules_read_alone() -> None:
    rules_only = Lexicon.default().with_model(None)
    got = parse("3单元201家的厨房管道老化漏水了", NOW, rules_only)
    assert (got.intent, got.category, got.confidence) == ("report", "water", 1.0)


def test_the_held_out_set_is_never_trained_on() -> None:
    trained = {e.text for e in read_sets(TRAIN_SETS)}
    assert not trained & {e.text for e in read_sets(HELD_OUT_SETS)}


def test_training_is_reproducible(tmp_path) -> None:
    # Two processes with different string hashing (so sets iterate differently) write the same file.
    pytest.importorskip("sklearn")
    code = ("import json, sys; from bot.nlu.examples import TRAIN_SETS, read_sets; "
            "from bot.nlu.training import train, write_model; from pathlib import Path; "
            "write_model(train(read_sets(TRAIN_SETS)[::20]), Path(sys.argv[1]))")  # a slice keeps the test short
    for seed in ("1", "2"):
        subprocess.run([sys.executable, "-c", code, str(tmp_path / f"m{seed}.json")], cwd=ROOT, check=True,
                       env={**__import__("os").environ, "PYTHONHASHSEED": seed})
    first, second = (tmp_path / "m1.json").read_bytes(), (tmp_path / "m2.json").read_bytes()
    assert first == second
    model = TextModel(json.loads(first))
    assert model.blend is not None and model.intent_weights


def test_the_held_out_set_is_read_at_least_as_well_as_when_this_model_was_shipped() -> None:
    # Floors a little under the shipped model's figures on dev.jsonl (0.946 intent, 0.871 category), so a change
    # to the rules, the data or the training that makes unseen messages worse fails here.
    from bot.nlu.training import evaluate

    figures = evaluate(Lexicon.default(), read_sets(HELD_OUT_SETS))
    assert figures.intent >= 0.93 and figures.category >= 0.86, figures
    rows = read_sets(HELD_OUT_SETS)
    urgent = [parse(e.text, e.now, context=e.context).urgent for e in rows if e.urgent]
    false_urgent = sum(parse(e.text, e.now, context=e.context).urgent for e in rows if not e.urgent)
    assert sum(urgent) / len(urgent) >= 0.9 and false_urgent <= 2


def test_a_guess_the_bot_would_act_on_says_it_is_unsure_so_the_chat_layer_asks() -> None:
    from bot.nlu.decide import ACT_MIN, Blend, RuleFacts, decide
    from bot.nlu.model import Scores

    # The rules found nothing; the model leans to a report, but not surely: ask, in a group and in private.
    facts = RuleFacts("chitchat", "nothing", None, 0.0, False, False, False, False)
    leaning = Scores({"report": 1.0, "chitchat": 0.6, "completion": -3, "task": -3, "visit": -3, "ack": -3,
                      "query": -3}, lambda: ({c: 0.0 for c in CATEGORY_LABELS}, -5.0))
    guess = decide(facts, leaning, Blend(), context="group")
    assert guess.intent == "report" and guess.confidence < ACT_MIN["group"] and guess.unsure
    sure = Scores({**leaning.intent_logits, "report": 6.0}, leaning._report)
    assert not decide(facts, sure, Blend(), context="group").unsure
    # Through parse: the field follows the gate, on the CLI's JSON too.
    for text in ("三楼那家又开始了", "门口那块怎么回事", "后面那个怎么弄", "5栋2单元302卫生间漏水了", "大家早上好"):
        p = parse(text, NOW)
        assert p.unsure == (p.intent != "chitchat" and not p.urgent and p.confidence < ACT_MIN["group"]), text
        assert p.to_json()["unsure"] is p.unsure
    assert not parse("5栋2单元302卫生间漏水了", NOW).unsure
    # An emergency is acted on at once, never asked about.
    assert all(not p.unsure for p in (parse("厨房煤气味好大 快来人", NOW), parse("3楼着火了 冒烟了", NOW)) if p.urgent)


def test_the_gate_follows_the_calibrated_thresholds() -> None:
    from bot.nlu.decide import ACT_MIN, is_unsure

    assert is_unsure("report", ACT_MIN["group"] - 0.01, "group")
    assert not is_unsure("report", ACT_MIN["group"], "group")
    assert not is_unsure("chitchat", 0.1, "group")
    assert ACT_MIN["private"] <= ACT_MIN["group"]  # a resident who writes to us is more likely to want something
