"""Platform boilerplate left in scraped text (知乎, 小红书, 微博 ...)."""
import polars as pl

from app.core.text.convtext import any_text

from .base import Signal

PATTERNS = (
    r"(?:编辑|发布|更新)于\s*(?:\d|昨天|今天|前天|刚刚)",  # 编辑于 2021-03-04
    r"#[^#\s]{1,30}#",  # #话题# topic tags
    r"\[话题\]",
    r"来源[：:]\s*(?:知乎|微博|小红书|豆瓣|百度|微信|公众号|今日头条|头条)",
    "著作权归作者所有",
    r"转载请(?:联系作者|注明出处)",
    "原文链接",
    r"本文(?:首发|转载)于",
    "展开全文|阅读全文|查看原图",
    r"\d+\s*人(?:赞同|点赞)了该(?:回答|文章)",
)
PATTERN = "|".join(f"(?:{p})" for p in PATTERNS)


def _expr(frame: pl.DataFrame) -> pl.Expr:
    return any_text(frame, lambda e: e.str.contains(PATTERN))


SIGNAL = Signal(
    name="boilerplate",
    title_zh="平台模板文字",
    title_en="Platform boilerplate",
    description="Scraped platform text: 编辑于/发布于 + date, #话题# tags, 来源：知乎, 著作权归作者所有, 转载请注明出处, 原文链接, 展开全文, N 人赞同了该回答.",
    expr=_expr,
)
