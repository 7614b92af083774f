"""python -m bot nlu train | retrain | report: the classifier's training, the community's retraining, the record."""
from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from bot.config import Config

_SOURCE_LABELS = {"triage": "网格员判断", "category": "改类别", "returned": "退回"}


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bot nlu", description="消息理解的统计模型: 训练、用社区的更正重新训练、查看。")
    sub = p.add_subparsers(dest="action", required=True)
    train = sub.add_parser("train", help="用仓库里的标注消息训练内置模型 (结果可重复)")
    train.add_argument("--out", type=Path, help="写到这个文件 (默认 bot/nlu/data/model.json)")
    sub.add_parser("retrain", help="用内置标注 + 本地更正重新训练; 新模型在保留集上不差于现在的才采用")
    report = sub.add_parser("report", help="看更正了什么, 以及模型现在的准确率")
    report.add_argument("--limit", type=int, default=20, help="列出最近多少条更正 (默认 20)")
    return p


def main(argv: list[str], config: Config) -> int:
    args = _parser().parse_args(argv)
    if args.action == "train":
        return train(args.out)
    return asyncio.run(retrain(config) if args.action == "retrain" else report(config, args.limit))


def train(out: Path | None) -> int:
    from bot.nlu import Lexicon
    from bot.nlu.examples import HELD_OUT_SETS, TRAIN_SETS, read_sets
    from bot.nlu.model import MODEL_FILE, TextModel
    from bot.nlu.training import evaluate, train as fit, write_model

    examples = read_sets(TRAIN_SETS)
    print(f"训练: {len(examples)} 条标注消息 ({', '.join(TRAIN_SETS)}) …", file=sys.stderr)
    lexicon = Lexicon.load()
    data = fit(examples, lexicon)
    path = out or MODEL_FILE
    write_model(data, path)
    figures = evaluate(lexicon.with_model(TextModel(data)), read_sets(HELD_OUT_SETS))
    print(f"已写入 {path}: {data['meta']['features']} 个特征。保留集 {figures.examples} 条: "
          f"意图 {figures.intent:.3f}, 类别 {figures.category:.3f}")
    return 0


async def retrain(config: Config) -> int:
    from bot.understanding.learning import Learner, model_path
    from bot.nlu import Lexicon
    from storage import Store

    path = model_path(config)
    store = await Store.open(config.db)
    try:
        holder = {"lexicon": Lexicon.load(config.keywords, model=path)}
        learner = Learner(store, path, lambda: holder["lexicon"],
                          lambda m: holder.update(lexicon=holder["lexicon"].with_model(m)), config.zone)
        result = await learner.retrain()
    finally:
        await store.close()
    print(f"{result.note}: 本地更正 {result.local_examples} 条; 保留集 意图 {result.was_intent:.3f} → {result.intent:.3f},"
          f" 类别 {result.was_category:.3f} → {result.category:.3f}" + (f"; 模型在 {path}" if result.accepted else ""))
    return 0


async def report(config: Config, limit: int) -> int:
    from collections import Counter

    from bot.understanding.learning import model_path
    from bot.nlu import CATEGORY_LABELS, INTENT_LABELS, Lexicon
    from bot.nlu.examples import HELD_OUT_SETS, read_sets
    from bot.nlu.training import evaluate
    from storage import Store

    path = model_path(config)
    lexicon = Lexicon.load(config.keywords, model=path)
    store = await Store.open(config.db)
    try:
        async with store.read() as r:
            examples = await r.nlu.examples()
            retrains = await r.nlu.retrains()
    finally:
        await store.close()

    def label(intent: str | None, category: str | None) -> str:
        if intent is None:
            return "-"
        return INTENT_LABELS.get(intent, intent) + (f"/{CATEGORY_LABELS.get(category, category)}" if category else "")

    print(f"社区的更正: 共 {len(examples)} 条"
          + ("" if not examples else " (" + ", ".join(f"{_SOURCE_LABELS.get(s, s)} {n}" for s, n in
                                                       Counter(e.source for e in examples).most_common()) + ")"))
    for e in examples[-limit:][::-1]:
        when = e.at.astimezone(config.zone).strftime("%m-%d %H:%M")
        print(f"  {when} [{_SOURCE_LABELS.get(e.source, e.source)}] {label(e.was_intent, e.was_category)} → "
              f"{label(e.intent, e.category)}: {e.text[:40]}")
    model = lexicon.model
    where = f"{path} (重新训练的)" if model is not None and path.exists() else "内置模型"
    print(f"现在的模型: {where}" + (f", {model.meta.get('examples', '?')} 条训练消息, "
                                     f"{model.meta.get('features', '?')} 个特征" if model else " (没有模型, 只用规则)"))
    figures = evaluate(lexicon, read_sets(HELD_OUT_SETS))
    print(f"  保留集 ({figures.examples} 条, 从不用于训练): 意图 {figures.intent:.3f}, 类别 {figures.category:.3f}")
    if retrains:
        print("最近的重新训练:")
        for t in retrains:
            print(f"  {t.at.astimezone(config.zone):%Y-%m-%d %H:%M} 本地更正 {t.local_examples} 条, 意图 "
                  f"{t.was_intent:.3f}→{t.intent_accuracy:.3f}, 类别 {t.was_category:.3f}→{t.category_accuracy:.3f}: "
                  f"{t.note}")
    return 0
