"""The words the rules know (built-in data files plus an operator's file) and the shared jieba tokenizer."""
from __future__ import annotations

import logging
import os
import re
import threading
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import jieba

from bot.nlu.codes import CATEGORY_LABELS
from bot.nlu.model import MODEL_FILE, TextModel
from bot.nlu.normalize import normalize

DATA_DIR = Path(__file__).with_name("data")
KEYWORDS_FILE = DATA_DIR / "keywords.toml"
USERDICT_FILE = DATA_DIR / "userdict.txt"
# "能修不", "上班不": a yes/no question said the northern way, the same as "能修吗".
_FINAL_BU_RE = re.compile(r"(?<=[\u4e00-\u9fff])(?<![也就才都还并绝决])不(?=\s?(?:[,.!?;:~…]|$))")
_WEIGHTS = {"decisive": 8.0, "strong": 3.0, "keywords": 1.0, "weak": 0.5}

_lock = threading.Lock()
_tokenizer: jieba.Tokenizer | None = None
_default: Lexicon | None = None


def cache_dir() -> Path:
    """Where the app keeps caches: $BOT_CACHE_DIR or ~/.cache/sanzhang."""
    return Path(os.environ.get("BOT_CACHE_DIR") or Path.home() / ".cache" / "sanzhang")


def tokenizer() -> jieba.Tokenizer:
    """The process's jieba tokenizer with the project dictionary, built on first use."""
    global _tokenizer
    if _tokenizer is not None:  # built once; every parse asks, and needs no lock to read it
        return _tokenizer
    with _lock:
        if _tokenizer is None:
            # jieba logs its progress to stderr at DEBUG; the CLI's stdout/stderr are for the operator.
            logging.getLogger("jieba").setLevel(logging.WARNING)
            tok = jieba.Tokenizer()
            directory = cache_dir()
            try:
                directory.mkdir(parents=True, exist_ok=True)
            except OSError:
                pass  # jieba then only fails to write its cache, and builds the prefix dict each start
            tok.tmp_dir = str(directory)
            tok.cache_file = "jieba.cache"
            tok.initialize()
            tok.load_userdict(str(USERDICT_FILE))
            _tokenizer = tok
        return _tokenizer


@dataclass(frozen=True)
class Role:
    """What a word means to the rules: ("category", "water", 3.0), ("urgent", None, 1.0) …"""
    kind: str
    name: str | None = None
    weight: float = 1.0


@dataclass(frozen=True)
class Lexicon:
    """Every word list the rules use, indexed for one pass over a message."""
    roles: dict[str, tuple[Role, ...]]
    lengths_by_first_char: dict[str, tuple[int, ...]]  # longest first, to look words up by slicing
    completion_patterns: tuple[re.Pattern[str], ...]
    visit_patterns: tuple[re.Pattern[str], ...]
    task_patterns: tuple[re.Pattern[str], ...]
    ack_words: tuple[str, ...]
    ack_filler: tuple[str, ...]
    topic_weak_heads: frozenset[str]
    # Colloquial, dialect and mistyped spellings → the words the lists use ("咋" → "怎么", "暖器" → "暖气").
    aliases: dict[str, str] = field(default_factory=dict)
    alias_re: re.Pattern[str] | None = None
    urgent_patterns: tuple[re.Pattern[str], ...] = ()
    # "上次报的…", "之前反映的…": a message about something reported earlier.
    query_act_patterns: tuple[re.Pattern[str], ...] = ()
    # The scan's index: lengths of the words of 2+ characters by their first two, longest first; 1-character words.
    lengths_by_prefix: dict[str, tuple[int, ...]] = field(default_factory=dict)
    single_char_words: frozenset[str] = frozenset()
    # Every character a lexicon word starts with: most positions of a message start none and are skipped at once.
    first_chars: frozenset[str] = frozenset()
    # One regex per pattern list, to tell quickly that none of its patterns is in a message.
    ack_any: re.Pattern[str] | None = None
    visit_any: re.Pattern[str] | None = None
    completion_any: re.Pattern[str] | None = None
    urgent_any: re.Pattern[str] | None = None
    query_act_any: re.Pattern[str] | None = None
    # Troubles said in ways no word list can hold: "臭死了", "一股…味", "没人管", "让人偷了", "不亮了".
    problem_any: re.Pattern[str] | None = None
    # Misspellings only a pattern can hold ("楼道等坏了": 灯 typed as 等), with their replacements.
    alias_patterns: tuple[tuple[re.Pattern[str], str], ...] = ()
    # Phrases that hold a trouble word without meaning it, said in ways no list holds ("快递怎么还没到").
    ignore_any: re.Pattern[str] | None = None
    # Category words only a pattern can hold ("孩子…找不着了"), each with its category and weight.
    category_patterns: tuple[tuple[re.Pattern[str], Role], ...] = ()
    # The intent rules' own words, patterns and numbers ([rules] in the data), and how far each rule is trusted.
    rule_words: dict[str, tuple[str, ...]] = field(default_factory=dict)
    rule_patterns: dict[str, re.Pattern[str]] = field(default_factory=dict)
    rule_limits: dict[str, float] = field(default_factory=dict)
    rule_trust: dict[str, float] = field(default_factory=dict)
    # Phrase families defined once ([phrases]): "fixed" (修好了/通了), "thanks" (谢谢/辛苦了).
    phrases: dict[str, tuple[str, ...]] = field(default_factory=dict)
    fixed_re: re.Pattern[str] | None = None  # "(已经)修好了", any of the fixed family
    # A reply that is only an ack ("收到👌", "@祝兰红 收到了, 谢谢"), and one that starts with an ack word.
    bare_ack_re: re.Pattern[str] | None = None
    ack_first_re: re.Pattern[str] | None = None
    # The statistical classifier beside the rules (model.py); None reads by the rules alone.
    model: TextModel | None = None
    # Category words an operator added (BOT_KEYWORDS): what the operator says about a word is final.
    operator_words: dict[str, str] = field(default_factory=dict)

    def canonical(self, text: str) -> str:
        """Normalised text with colloquial spellings replaced, and a clause-final "不" read as a question."""
        if self.alias_re is not None and not text.isascii():
            text = self.alias_re.sub(lambda m: self.aliases[m.group(0)], text)
        for pattern, replacement in self.alias_patterns:
            text = pattern.sub(replacement, text)
        if "不" in text:
            text = _FINAL_BU_RE.sub("吗", text)
        return text

    @classmethod
    def load(cls, extra: Path | None = None, model: Path | None = None) -> Lexicon:
        """The built-in lexicon, with an operator's keywords file merged on top when given, and the classifier:
        the retrained one at `model` when that file exists, else the shipped one."""
        data = _read_toml(KEYWORDS_FILE)
        operator: dict[str, str] = {}
        if extra is not None:
            added = _read_toml(Path(extra))
            for code, lists in added.get("categories", {}).items():
                for key in _WEIGHTS:
                    for word in lists.get(key, []) if isinstance(lists, dict) else []:
                        if isinstance(word, str) and word.strip():
                            operator[word.strip()] = code
            _merge(data, added, Path(extra))
        lexicon = cls._build(data)
        operator = {lexicon.canonical(normalize(w)).lower(): code for w, code in operator.items()}
        lexicon = replace(lexicon, model=load_model(model), operator_words=operator)
        # The segmenter (tokenizer()) loads on first use: the bot warms it in a thread at start-up.
        return lexicon

    def with_model(self, model: TextModel | None) -> Lexicon:
        return replace(self, model=model)

    @classmethod
    def default(cls) -> Lexicon:
        """The built-in lexicon, built once per process."""
        global _default
        if _default is None:
            built = cls.load()
            with _lock:
                if _default is None:
                    _default = built
        return _default

    @classmethod
    def _build(cls, data: dict[str, Any]) -> Lexicon:
        roles: dict[str, list[Role]] = {}
        aliases = {normalize(k.strip()): normalize(v.strip())
                   for k, v in data.get("aliases", {}).items() if isinstance(v, str) and k.strip()}
        alias_re = None
        if aliases:
            keys = sorted(aliases, key=len, reverse=True)
            first = "".join(sorted({re.escape(k[0]) for k in keys}))
            alias_re = re.compile(f"(?=[{first}])(?:" + "|".join(map(re.escape, keys)) + ")")

        def canon(word: str) -> str:
            return alias_re.sub(lambda m: aliases[m.group(0)], word) if alias_re is not None else word

        def add(words: list[str], role: Role) -> None:
            for word in words:
                # Keywords are read the way messages are: "四点半学校" must meet "4点半学校".
                word = canon(normalize(word.strip())).lower() if word.strip() else ""
                if word:
                    roles.setdefault(word, []).append(role)

        category_patterns: list[tuple[re.Pattern[str], Role]] = []
        for code, lists in data.get("categories", {}).items():
            for key, weight in _WEIGHTS.items():
                add(lists.get(key, []), Role("category", code, weight))
                patterns = lists.get("patterns", {})
                if isinstance(patterns, dict):
                    category_patterns += [(p, Role("category", code, weight)) for p in _compile(patterns.get(key, []))]
        urgent = data.get("urgent", {})
        add(urgent.get("keywords", []), Role("urgent"))
        add(urgent.get("calm", []), Role("calm"))
        # Phrases that hold a trouble word without meaning it: "手机快没电了", "美坏了", "笑死了".
        add(data.get("ignore", {}).get("phrases", []), Role("ignore"))
        signals = data.get("signals", {})
        add(signals.get("problem", []), Role("problem"))
        add(signals.get("request", []), Role("request"))
        intents = data.get("intents", {})
        task = intents.get("task", {})
        for key in ("addressee", "header", "verbs"):
            add(task.get(key, []), Role("task", key))
        query = intents.get("query", {})
        for key in ("earlier", "status", "weak_status", "question", "followup"):
            add(query.get(key, []), Role("query", key))
        chat = intents.get("chitchat", {})
        for key in ("thanks", "resolved", "greeting", "contrast", "sharing", "positive", "ask_neighbours", "advice",
                    "past", "present", "opinion", "leisure"):
            add(chat.get(key, []), Role("chitchat", key))
        topics = data.get("topics", {})
        add(topics.get("heads", []), Role("topic"))
        ack = intents.get("ack", {})

        lengths: dict[str, set[int]] = {}
        by_prefix: dict[str, set[int]] = {}
        for word in roles:
            lengths.setdefault(word[0], set()).add(len(word))
            if len(word) > 1:
                by_prefix.setdefault(word[:2], set()).add(len(word))
        return cls(
            roles={w: tuple(r) for w, r in roles.items()},
            lengths_by_first_char={c: tuple(sorted(ls, reverse=True)) for c, ls in lengths.items()},
            completion_patterns=_compile(intents.get("completion", {}).get("patterns", [])),
            visit_patterns=_compile(intents.get("visit", {}).get("patterns", [])),
            task_patterns=_compile(task.get("patterns", [])),
            ack_words=_longest_first(ack.get("words", [])),
            ack_filler=_longest_first(ack.get("filler", [])),
            topic_weak_heads=frozenset(normalize(w) for w in topics.get("weak_heads", [])),
            aliases=aliases,
            alias_re=alias_re,
            urgent_patterns=_compile(urgent.get("patterns", [])),
            query_act_patterns=_compile(query.get("act_patterns", [])),
            lengths_by_prefix={p: tuple(sorted(ls, reverse=True)) for p, ls in by_prefix.items()},
            ack_any=_any([re.escape(w) for w in _longest_first(ack.get("words", []))]),
            visit_any=_any(intents.get("visit", {}).get("patterns", [])),
            completion_any=_any(intents.get("completion", {}).get("patterns", [])),
            urgent_any=_any(urgent.get("patterns", [])),
            query_act_any=_any(query.get("act_patterns", [])),
            problem_any=_any(_compiled_sources(signals.get("problem_patterns", []))),
            alias_patterns=tuple(zip(_compile(list(data.get("alias_patterns", {}))),
                                     data.get("alias_patterns", {}).values())),
            category_patterns=tuple(category_patterns),
            ignore_any=_any(_compiled_sources(data.get("ignore", {}).get("patterns", []))),
            single_char_words=frozenset(w for w in roles if len(w) == 1),
            first_chars=frozenset(w[0] for w in roles if w),
            rule_words={k: tuple(normalize(w) if w.strip() else w for w in v)
                        for k, v in data.get("rules", {}).get("words", {}).items()},
            rule_patterns={k: _compile([v.replace("{fixed}", _alternation(data.get("phrases", {}).get("fixed", [])))])[0]
                           for k, v in data.get("rules", {}).get("patterns", {}).items()},
            phrases={k: _longest_first(v) for k, v in data.get("phrases", {}).items() if isinstance(v, list)},
            bare_ack_re=re.compile(
                r"^[@\w\s]{0,12}?[,，\s]*(?:" + _alternation(ack.get("words", [])) + r"|[👌👍🙏✅]+)"
                r"(?:了|啦|呀|哈|嘞|滴)?[,，。.!！~～\s👌👍🙏✅]*(?:谢谢|辛苦了?|马上办|按时到)?[。.!！~～\s]*$",
                re.IGNORECASE),
            ack_first_re=re.compile(r"^(?:@\S+\s*)?(?:" + _alternation(
                [w for w in ack.get("words", []) if len(w) >= 2 and all("\u4e00" <= c <= "\u9fff" for c in w)]) + ")"),
            fixed_re=re.compile("(?:已经|自己|刚)?(?:" + _alternation(data.get("phrases", {}).get("fixed", [])) + ")"),
            rule_limits={k: float(v) for k, v in data.get("rules", {}).get("limits", {}).items()},
            rule_trust={k: min(1.0, max(0.0, float(v))) for k, v in data.get("rules", {}).get("trust", {}).items()},
        )


def load_model(path: Path | None = None) -> TextModel | None:
    """The retrained classifier at path if it is there and sound, else the shipped one (None if that is missing)."""
    for candidate in ([Path(path)] if path is not None else []) + [MODEL_FILE]:
        if not candidate.exists():
            continue
        try:
            return TextModel.load(candidate)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            logging.getLogger(__name__).warning("模型文件 %s 无法读取, 不用它: %s", candidate, exc)
    return None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with open(path, "rb") as f:
            return tomllib.load(f)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"关键词文件 {path} 格式有误: {exc}") from exc


def _merge(base: dict[str, Any], extra: dict[str, Any], path: Path) -> None:
    """Adds the operator's words to the built-in lists; unknown category codes are an error, not a new category."""
    for code in extra.get("categories", {}):
        if code not in CATEGORY_LABELS:
            known = "、".join(CATEGORY_LABELS)
            raise ValueError(f"关键词文件 {path} 里的类别 {code!r} 不存在; 可用的类别代码: {known}")
    for table in ("aliases", "alias_patterns"):
        aliases = extra.pop(table, None)
        if isinstance(aliases, dict):
            base.setdefault(table, {}).update({k: v for k, v in aliases.items() if isinstance(v, str)})
    _merge_lists(base, extra)


def _merge_lists(base: dict[str, Any], extra: dict[str, Any]) -> None:
    for key, value in extra.items():
        if isinstance(value, dict):
            _merge_lists(base.setdefault(key, {}), value)
        elif isinstance(value, list):
            merged = base.setdefault(key, [])
            merged.extend(v for v in value if isinstance(v, str) and v not in merged)


def _compile(patterns: list[str]) -> tuple[re.Pattern[str], ...]:
    compiled = []
    for pattern in patterns:
        try:
            compiled.append(re.compile(pattern))
        except re.error as exc:
            raise ValueError(f"关键词文件里的正则表达式 {pattern!r} 有误: {exc}") from exc
    return tuple(compiled)


def _compiled_sources(patterns: list[str]) -> list[str]:
    """The patterns, after checking each compiles (a bad one is named in the error)."""
    return [p.pattern for p in _compile(patterns)]


def _any(patterns: list[str]) -> re.Pattern[str] | None:
    """All the patterns as one alternation (they were each checked by _compile), or None when there are none."""
    return re.compile("|".join(f"(?:{p})" for p in patterns)) if patterns else None


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in _longest_first(words)) or "(?!)"


def _longest_first(words: list[str]) -> tuple[str, ...]:
    return tuple(sorted({w.strip().lower() for w in words if w.strip()}, key=len, reverse=True))
