"""Hypothesis strategies for records of every format, shaped as real datasets hold them
(tests of the reference reading and of the loader's fast path share them)."""
from __future__ import annotations

from hypothesis import strategies as st

TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=10) | st.sampled_from(
    ["", "你好", "1", "-2.50", '{"a": 1}', "[1, 2]", "true", "null", "a\\b", "\u2028", "多行\n文本"])
SHARE_ROLES = st.sampled_from(["human", "gpt", "system", "function_call", "observation", "tool", "user",
                               "assistant", "Human", "bing", "narrator"])
OPENAI_ROLES = st.sampled_from(["user", "assistant", "system", "tool", "function", "developer"])


def _turn(role_key, text_key, roles):
    return st.fixed_dictionaries({role_key: roles, text_key: TEXT})


sharegpt_turns = st.lists(_turn("from", "value", SHARE_ROLES), max_size=6)
openai_parts = st.lists(st.one_of(st.fixed_dictionaries({"type": st.just("text"), "text": TEXT}),
                                  st.fixed_dictionaries({"type": st.just("text"), "value": TEXT}),
                                  st.fixed_dictionaries({"type": st.just("image_url"), "image_url": TEXT})), max_size=3)
openai_messages = st.lists(st.fixed_dictionaries({"role": OPENAI_ROLES, "content": TEXT | openai_parts}), max_size=5)
firefly_pairs = st.lists(st.fixed_dictionaries({"human": TEXT, "assistant": TEXT}), max_size=4)
history = st.lists(st.tuples(TEXT, TEXT).map(list), max_size=3)
extras = st.fixed_dictionaries({}, optional={"system": TEXT, "source": st.sampled_from(["zhihu", "自建"]),
                                             "id": st.integers(0, 99)})

sharegpt = st.builds(lambda c, e, t: {"conversations": c, **e, **t}, sharegpt_turns, extras,
                     st.fixed_dictionaries({}, optional={"tools": TEXT}))
openai = st.builds(lambda m, e: {"messages": m, **e}, openai_messages, extras)
firefly = st.builds(lambda c, e: {"conversation_id": 1, "category": "Brainstorming", "conversation": c, **e},
                    firefly_pairs, extras)
alpaca = st.builds(lambda i, n, o, h, e: {"instruction": i, "input": n, "output": o, **({"history": h} if h else {}), **e},
                   TEXT, TEXT, TEXT, history, extras)
cqia = st.builds(lambda i, n, o, d: {"instruction": i, "input": n, "output": o, "task_type": {"major": ["问答"], "minor": []},
                                     "domain": d, "metadata": "", "answer_from": "human", "human_verified": True,
                                     "copyright": "CC0"}, TEXT, TEXT, TEXT, st.lists(TEXT, max_size=2))


def _preference(draw_base, response):
    return st.builds(lambda b, c, r: {**b, "chosen": c, "rejected": r}, draw_base, response, response)


_share_reply = st.fixed_dictionaries({"from": st.just("gpt"), "value": TEXT})
_openai_reply = st.fixed_dictionaries({"role": st.just("assistant"), "content": TEXT})
preference = st.one_of(
    st.builds(lambda c, a, b: {"conversations": c, "chosen": a, "rejected": b}, sharegpt_turns, _share_reply, _share_reply),
    st.builds(lambda m, a, b: {"messages": m, "chosen": a, "rejected": b}, openai_messages, _openai_reply, _openai_reply),
    st.builds(lambda i, n, a, b: {"instruction": i, "input": n, "chosen": a, "rejected": b}, TEXT, TEXT, TEXT, TEXT),
    st.builds(lambda p, a, b: {"prompt": p, "chosen": a, "rejected": b}, TEXT, TEXT, TEXT),
    st.builds(lambda p, a, b: {"prompt": p, "chosen": [{"role": "user", "content": p}, a],
                               "rejected": [{"role": "user", "content": p}, b]}, TEXT, _openai_reply, _openai_reply),
)
other = st.builds(lambda i, x: {"instruction": i, "instances": [{"input": x, "output": x}], "id": "seed_task_1"}, TEXT, TEXT)

BY_FORMAT = {"sharegpt": sharegpt, "openai": openai, "firefly": firefly, "alpaca": alpaca, "cqia": cqia,
             "preference": preference, "other": other}
ANY = st.one_of(*BY_FORMAT.values())
