"""E-mail addresses that are well formed and not a placeholder or a file path."""
import polars as pl

from app.core.text.convtext import whole_text
from .base import Signal, text

CANDIDATE = r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}"
# Names that stand for "somebody" in examples (张三 and 李四 are the Chinese John Doe), and
# the user of a git remote (git@github.com:owner/repo).
PLACEHOLDER_LOCAL = ["example", "test", "user", "username", "name", "your", "yourname", "youremail", "your_email",
                     "your-email", "email", "mail", "someone", "somebody", "foo", "bar", "author", "admin", "zhangsan",
                     "lisi", "wangwu", "zhaoliu", "git"]
# RFC 2606 names (example.com, .test, .invalid, .localhost), any domain naming "example", the usual stand-ins.
PLACEHOLDER_DOMAIN = r"(?:^|\.)(?:test|invalid|localhost)$|example|^(?:domain|email|x+|abc|yourdomain|company)\.com$"
# The last part of a file name (node_modules/x@vue-loader/index.js), not a top-level domain.
FILE_SUFFIXES = ["js", "mjs", "cjs", "ts", "jsx", "tsx", "css", "scss", "less", "vue", "json", "html", "htm", "xml",
                 "yml", "yaml", "txt", "png", "jpg", "jpeg", "gif", "svg", "java", "php", "py", "sh", "lock", "log",
                 "map", "min"]


def well_formed() -> pl.Expr:
    """On a String element (a CANDIDATE match): a plausible real address."""
    e = pl.element()
    local = e.str.extract(r"^(.*)@", 1)
    domain = e.str.extract(r"@(.*)$", 1).str.to_lowercase()
    tld = domain.str.extract(r"\.([a-z]+)$", 1)
    return (
        ~local.str.starts_with(".") & ~local.str.ends_with(".") & ~local.str.contains("..", literal=True)
        & (local.str.len_bytes() <= 64)
        & ~local.str.to_lowercase().is_in(PLACEHOLDER_LOCAL) & ~local.str.contains(r"^[xX]+$")
        & ~domain.str.contains(r"(?:^|\.)-|-(?:\.|$)")
        & ~domain.str.contains(PLACEHOLDER_DOMAIN) & ~tld.is_in(FILE_SUFFIXES)
    )


def _expr(frame: pl.DataFrame) -> pl.Expr:
    joined = whole_text(frame)
    return joined.str.extract_all(CANDIDATE).list.eval(well_formed()).list.any().fill_null(False)


SIGNAL = Signal(
    name="pii_email",
    title_zh="电子邮箱",
    title_en="E-mail address",
    description="A text field holds a well-formed e-mail address (no dot at either end of the name, no two dots in "
                "a row, no label starting or ending with a hyphen, a top-level domain of letters) that is not a "
                "placeholder (example.com or any domain naming example, xxx@, your_email@, zhangsan@), a git remote (git@) or a file path "
                "(x@loader/index.js).",
    expr=_expr,
)
