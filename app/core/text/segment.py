"""jieba in this process: loading it, cutting text into words, tagging instructions and
finding their main verb and its object (the COIG-CQIA paper's verb-noun pairs).

jieba is imported lazily (never when app.core or the CLI is imported): it costs about a
second and 100 MB. Its pickled dictionary goes to a cache folder we control, so a worker
loads it in ~0.2 s.

HMM=False throughout. Measured here, ``jieba.lcut`` runs ~330k chars/s without the HMM
and ~140k with it, ``posseg`` ~160k vs ~10k; the HMM only glues unknown words together,
and the 60 s budget for the 48k release would not hold with it. ``Segmenter`` is our
re-implementation of jieba's no-HMM cut (same dictionary, same route, same tie-breaks;
the tests compare it with jieba on real rows): it skips jieba's per-call ``log`` and
generator overhead and runs ~2.5x faster.
"""
from __future__ import annotations

import logging
import os
import re
import sys
import tempfile
import threading
from math import log
from pathlib import Path
from typing import Iterable, Sequence

# Tagged v by jieba but not the task: light and modal verbs (请写 -> 写), and words that
# work as determiners or prepositions in instructions (下列选项, 根据材料, 作为专家).
AUX_VERBS = frozenset(
    "请 请问 是 有 能 能够 可以 可 会 要 想 想要 应该 应当 需要 帮 帮忙 帮助 麻烦 让 使 得 来 去 给 叫 被 希望 试 试着 尝试 "
    "下列 如下 作为 没有 根据 按照 通过 对于 关于 依据 是否".split()
)
POS_BUDGET = 240  # posseg at most this many instruction chars: the main verb comes early
_CLAUSE = re.compile(r"[，,。！？!?\n：:；;]+")
# A persona clause (我是一个为豆瓣写简介的工作人员) frames the request and is not it.
_PERSONA = re.compile(r"^\s*(?:我是|我作为|作为|假设你是|假如你是|你是一[个名位])")
_LINK_FLAGS = ("a", "ad", "an", "b", "m", "q", "z", "f")  # may sit between 的 and the head noun
_CLAUSE_MARKS = frozenset("，,。！？!?；;：:\n")
# Verbs that open instructions but that jieba's dictionary tags as nouns or adverbs.
TASK_VERBS = frozenset("总结 评价 评论 比较 分类 证明 润色 仿写 规划 造句 翻译 分析 设计 创作 预测 辨析 赏析".split())

# jieba's own block patterns (jieba.re_han_default, re_skip_default).
_RE_HAN = re.compile(r"([\u4E00-\u9FD5a-zA-Z0-9+#&\._%\-]+)")
_RE_SKIP = re.compile(r"(\r\n|\s)")

_lock = threading.RLock()
_loaded_terms: set[str] = set()
_segmenter: Segmenter | None = None


def cache_dir() -> Path:
    """Where jieba's pickled dictionary lives (a folder of ours, not the system temp)."""
    env = os.environ.get("CQIA_CACHE_DIR")
    if env:
        base = Path(env)
    elif sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local")) / "cqia-curator" / "cache"
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches" / "cqia-curator"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "cqia-curator"
    return base / "jieba"


PACKED_DICT = "dict.txt.xz"


def unpacked_dictionary(package: Path, folder: Path) -> Path | None:
    """jieba's dictionary when the bundle ships it xz-compressed (``dict.txt.xz`` beside
    jieba's modules instead of the 5 MB ``dict.txt``: 3.5 MB off the bundle): unpacked once
    into ``folder`` (atomically: worker processes may race) and reused while it is newer
    than the packed file. None when jieba has its own ``dict.txt`` (from source)."""
    packed = package / PACKED_DICT
    if (package / "dict.txt").is_file() or not packed.is_file():
        return None
    out = folder / "dict.txt"
    if out.is_file() and out.stat().st_mtime >= packed.stat().st_mtime:
        return out
    import lzma

    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".dict.txt.{os.getpid()}.{threading.get_ident()}"
    try:
        tmp.write_bytes(lzma.decompress(packed.read_bytes()))
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return out


def load(terms: Iterable[str] = (), folder: Path | None = None):
    """jieba with its dictionary loaded and ``terms`` added; returns the module."""
    global _segmenter
    with _lock:
        import jieba  # lazy: see the module docstring

        if not jieba.dt.initialized:
            jieba.setLogLevel(logging.WARNING)
            folder = folder or cache_dir()
            try:
                folder.mkdir(parents=True, exist_ok=True)
                jieba.dt.tmp_dir = str(folder)
            except OSError:
                jieba.dt.tmp_dir = tempfile.gettempdir()
            unpacked = unpacked_dictionary(Path(jieba.__file__).parent, Path(jieba.dt.tmp_dir))
            if unpacked is not None:
                jieba.dt.set_dictionary(str(unpacked))
            jieba.dt.initialize()
        for term in terms:
            if term not in _loaded_terms:
                jieba.dt.add_word(term)
                _loaded_terms.add(term)
                _segmenter = None  # the dictionary changed
        return jieba


def add_word(term: str) -> None:
    """Teach this process's jieba a word (pool workers get the project's list at start)."""
    load([term])


def segmenter(terms: Iterable[str] = ()) -> Segmenter:
    global _segmenter
    with _lock:
        jieba = load(terms)
        if _segmenter is None:
            _segmenter = Segmenter(jieba.dt.FREQ, jieba.dt.total)
        return _segmenter


def cut(text: str, terms: Iterable[str] = ()) -> list[str]:
    """jieba's words of ``text`` (as ``jieba.lcut(text, HMM=False)``)."""
    return segmenter(terms).cut(text)


def tagged(text: str, terms: Iterable[str] = ()) -> list[tuple[str, str]]:
    load(terms)
    import jieba.posseg

    return [(p.word, p.flag) for p in jieba.posseg.dt.lcut(text, HMM=False)]


class Segmenter:
    """jieba's no-HMM cut: the most probable path through the dictionary DAG."""

    MEMO_MIN, MEMO_MAX = 4, 300_000  # blocks worth remembering; entries before the memo is reset

    def __init__(self, freq: dict[str, int], total: int) -> None:
        logtotal = log(total)
        # One lookup per fragment: a log probability, or None for a mere prefix.
        self._lp = {w: (log(f) - logtotal if f else None) for w, f in freq.items()}
        self._lone = -logtotal  # a character not in the dictionary: log(1) - log(total)
        # Blocks (runs between punctuation) repeat across rows: templates, boilerplate,
        # common clauses. 17% of the real sample's block characters are repeats.
        self._memo: dict[str, list[str]] = {}

    def cut(self, text: str) -> list[str]:
        out: list[str] = []
        memo = self._memo
        for blk in _RE_HAN.split(text):
            if not blk:
                continue
            if _RE_HAN.match(blk):
                if len(blk) < self.MEMO_MIN:
                    self._block(blk, out)
                    continue
                words = memo.get(blk)
                if words is None:
                    words = []
                    self._block(blk, words)
                    if len(memo) >= self.MEMO_MAX:
                        memo.clear()
                    memo[blk] = words
                out.extend(words)
            else:
                for x in _RE_SKIP.split(blk):
                    if _RE_SKIP.match(x):
                        out.append(x)
                    else:
                        out.extend(x)  # jieba yields other characters one by one
        return out

    def _block(self, s: str, out: list[str]) -> None:
        get, miss = self._lp.get, self
        n = len(s)
        score = [0.0] * (n + 1)
        nxt = [0] * (n + 1)
        for k in range(n - 1, -1, -1):
            best, end, found = self._lone + score[k + 1], k + 1, False
            i = k + 1
            v = get(s[k], miss)
            while v is not miss:
                if v is not None:
                    sc = v + score[i]
                    if not found or sc >= best:  # ties go to the longer word, as in jieba's max()
                        best, end, found = sc, i, True
                if i >= n:
                    break
                i += 1
                v = get(s[k:i], miss)
            score[k] = best
            nxt[k] = end
        x, buf = 0, ""
        while x < n:
            y = nxt[x]
            if y - x == 1:
                w = s[x]
                if w < "\x80" and w.isalnum():  # jieba glues runs of single [a-zA-Z0-9]
                    buf += w
                    x = y
                    continue
            else:
                w = s[x:y]
            if buf:
                out.append(buf)
                buf = ""
            out.append(w)
            x = y
        if buf:
            out.append(buf)


# ---- verb-noun pairs ------------------------------------------------------------------

def _is_noun(flag: str) -> bool:
    return flag.startswith("n") or flag == "l"  # l: set phrases, mostly noun-like (这段话, 量子力学)


_NUMERALS = frozenset("0123456789.,%零〇一二三四五六七八九十百千万亿两几")


def _is_quantity(word: str, flag: str) -> bool:
    """A bare number (800, 三千): the noun after it is a unit (800 字), not the object.
    A number with its classifier (一篇, 三个) is tagged m too, but is followed by the object."""
    return flag in ("m", "eng") and all(c in _NUMERALS for c in word)


def _as_verb(word: str, flag: str, seen_noun: bool) -> str | None:
    """The verb this token stands for, if it is a main-verb candidate."""
    if flag.startswith("v") and word not in AUX_VERBS:
        return word
    if word in TASK_VERBS and not seen_noun:  # 总结/评价... open an instruction, whatever jieba's tag
        return word
    if flag in ("i", "l"):  # 解释一下, 翻译成: jieba keeps these as one idiom token
        for suffix in ("一下", "成"):
            if word.endswith(suffix) and len(word) > len(suffix):
                return word[: -len(suffix)]
    return None


def _head_noun(tokens: Sequence[tuple[str, str]], start: int, stop: int) -> tuple[str | None, int]:
    """The head of the first noun phrase in tokens[start:stop] and the index after it.
    A measured noun (800 字) is skipped; compounds and 的-phrases resolve to their last
    noun, since Chinese noun phrases are head-final."""
    j = start
    while j < stop:
        word, flag = tokens[j]
        if _is_noun(flag) and not (j > start and _is_quantity(*tokens[j - 1])):
            break
        if flag == "x" and word in _CLAUSE_MARKS:
            return None, j
        j += 1
    else:
        return None, stop
    noun, k = tokens[j][0], j + 1
    while k < stop:
        word, flag = tokens[k]
        if _is_noun(flag):
            noun, k = word, k + 1
            continue
        if word in ("的", "之"):
            nxt = next((m for m in range(k + 1, min(k + 4, stop)) if _is_noun(tokens[m][1])), None)
            if nxt is not None and all(tokens[m][1] in _LINK_FLAGS for m in range(k + 1, nxt)):
                noun, k = tokens[nxt][0], nxt + 1
                continue
        break
    return noun, k


def verb_noun_of(tokens: Sequence[tuple[str, str]]) -> tuple[str | None, str | None]:
    """Main verb and the head of its object in POS-tagged ``tokens``.

    The main verb is the first v* token that is not a light or modal verb (请写 -> 写),
    or an instruction verb jieba tags as a noun (总结) before any noun. Its object is the
    first noun phrase after it (写 一篇 800 字 的 作文 -> 作文), or, in a 把/将 sentence,
    the noun phrase between 把 and the verb (把 下面 的 句子 翻译成 英文 -> 句子)."""
    verb, at, ba, seen_noun = None, 0, None, False
    for i, (word, flag) in enumerate(tokens):
        if word in ("把", "将") and flag == "p":
            ba = i
            continue
        verb = _as_verb(word, flag, seen_noun)
        if verb is not None:
            at = i
            break
        if flag == "x" and word in _CLAUSE_MARKS:
            ba = None
        seen_noun = seen_noun or _is_noun(flag)
    if verb is None:
        return None, None
    if ba is not None:
        noun, _ = _head_noun(tokens, ba + 1, at)
        if noun is not None:
            return verb, noun
    noun, _ = _head_noun(tokens, at + 1, len(tokens))
    return verb, noun


def verb_noun(instruction: str, terms: Iterable[str] = ()) -> tuple[str | None, str | None]:
    """The instruction's (verb, noun), tagging clause by clause until a main verb turns up;
    a verb without an object in its clause gives (verb, None)."""
    load(terms)
    return verb_noun_loaded(instruction)


def verb_noun_loaded(text: str) -> tuple[str | None, str | None]:
    import jieba.posseg

    budget = POS_BUDGET
    for clause in _CLAUSE.split(text):
        if not clause.strip() or _PERSONA.match(clause):
            continue
        if budget <= 0:
            break
        clause = clause[:budget]
        budget -= len(clause)
        verb, noun = verb_noun_of([(p.word, p.flag) for p in jieba.posseg.dt.lcut(clause, HMM=False)])
        if verb is not None:
            return verb, noun
    return None, None
