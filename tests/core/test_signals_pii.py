"""Chinese PII signals that check their numbers: resident ID (GB 11643: province, a real
date, the MOD 11-2 check digit), mobile numbers (allocated number segments), bank cards
(Luhn, card scheme prefix), e-mail addresses (a well-formed address, not a placeholder),
passport numbers (the shapes China issues, next to the word passport)."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.text import signals

from .analysis_support import make_frame

LONG_OK = "这是一段完整的回答，内容充实，结构清楚，结尾有句号。"
PROVINCES = [11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53,
             54, 61, 62, 63, 64, 65, 71, 81, 82, 83]


def flags(name: str, rows: list[dict]) -> list[bool]:
    return signals.evaluate(make_frame(rows), [name])[f"sig_{name}"].to_list()


def outputs(name: str, texts: list[str]) -> list[bool]:
    return flags(name, [{"instruction": "问题", "output": t} for t in texts])


# ---- resident ID (GB 11643-1999) ------------------------------------------------------------

WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def check_char(body17: str) -> str:
    """ISO 7064 MOD 11-2, written independently of the signal."""
    return "10X98765432"[sum(int(d) * w for d, w in zip(body17, WEIGHTS)) % 11]


def wrong_char(body17: str) -> str:
    return next(c for c in "0123456789X" if c != check_char(body17))


def with_check(body17: str) -> str:
    return body17 + check_char(body17)


def test_known_id_numbers():
    good = "11010519491231002X"  # the standard's worked example
    assert check_char(good[:17]) == "X"
    valid = with_check("44030419900307124")
    invalid = valid[:17] + wrong_char(valid[:17])
    rows = [
        {"instruction": "身份证号是多少？", "output": f"我的身份证号是{good}。"},
        {"instruction": "问", "output": f"号码：{valid}"},
        {"instruction": "问", "output": f"号码：{invalid}"},  # wrong check digit
        {"instruction": "问", "output": f"号码：{good.lower()}"},  # lower-case x is still the check X
        {"instruction": "问", "output": f"订单号 9{valid}"},  # part of a 19-digit run
        {"instruction": "问", "output": f"编号 {valid}7"},  # followed by another digit
        {"instruction": "问", "output": "号码：" + with_check("44030419901307123")},  # month 13: not a date
        {"instruction": "问", "input": f"{valid}", "output": "好的。"},  # in the input
        {"instruction": "问", "output": f"编号 {good}7"},  # an X inside a longer run
    ]
    assert flags("pii_id", rows) == [True, True, False, True, False, False, False, True, False]


def test_id_birth_date_must_be_a_real_day_and_the_province_real():
    cases = {
        "11010520000229123": True,  # 2000 was a leap year
        "11010519000229123": False,  # 1900 was not
        "11010519900230123": False,  # 30 February
        "11010519900431123": False,  # 31 April
        "11010519900131123": True,
        "99010519900131123": False,  # no province 99
        "10010519900131123": False,  # nor 10
        "83000019900131123": True,  # Taiwan residents' residence permits
    }
    got = outputs("pii_id", [f"证件号码{with_check(b)}结束" for b in cases])
    assert got == list(cases.values())


def test_id_next_to_another_number_is_still_found():
    valid = with_check("32010219851130456")
    assert outputs("pii_id", [f"{valid},13800138000", f"A{valid}B"]) == [True, True]


@settings(max_examples=80, deadline=None)
@given(province=st.sampled_from(PROVINCES), rest=st.integers(0, 9999), day=st.dates(), seq=st.integers(0, 999),
       good=st.booleans())
def test_id_checksum_property(province, rest, day, seq, good):
    if not 1800 <= day.year <= 2099:
        day = day.replace(year=1800 + day.year % 300) if not (day.month == 2 and day.day == 29) else day.replace(year=2000)
    body = f"{province}{rest:04d}{day:%Y%m%d}{seq:03d}"
    last = check_char(body) if good else wrong_char(body)
    assert outputs("pii_id", [f"证件号码{body}{last}结束"]) == [good]


# ---- mobile numbers --------------------------------------------------------------------------

def test_mobile_numbers_in_allocated_segments():
    pos = ["电话13812345678", "联系 19912345678。", "手机：+86 13912345678", "138-1234-5678", "微信 138 1234 5678",
           "16612345678", "14712345678", "17712345678", "15012345678", "19312345678"]
    neg = [
        LONG_OK,
        "订单号 2013812345678",  # inside a longer run
        "138123456789",  # 12 digits
        "12812345678",  # 12x is not a mobile prefix
        "1381234567",  # 10 digits
        "15412345678",  # 154 was never allocated
        "14012345678",  # nor 140
        "19412345678",  # nor 194
        "16012345678",  # nor 160
    ]
    assert outputs("pii_mobile", pos) == [True] * len(pos)
    assert outputs("pii_mobile", neg) == [False] * len(neg)


# ---- bank cards ---------------------------------------------------------------------------------

def luhn_digit(body: str) -> str:
    """The digit that makes body + digit pass Luhn, written independently of the signal."""
    total = 0
    for i, d in enumerate(reversed(body)):
        d = int(d) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return str((10 - total % 10) % 10)


def card(body: str) -> str:
    return body + luhn_digit(body)


def test_bank_cards_pass_luhn_and_have_a_card_scheme_prefix():
    union19 = card("622202020000123456")  # 19 digits, UnionPay
    union16 = card("621700123456789")
    visa = card("427020123456789")
    master = card("545454545454545")
    grouped = " ".join([union19[:4], union19[4:8], union19[8:12], union19[12:16], union19[16:]])
    bad_luhn = union19[:-1] + str((int(union19[-1]) + 1) % 10)
    pos = [f"卡号{union19}", f"银行卡：{union16}。", f"card {visa}", master, f"账号 {grouped} 户名张三",
           "-".join([union16[i:i + 4] for i in range(0, 16, 4)])]
    neg = [
        LONG_OK,
        f"卡号{bad_luhn}",  # fails Luhn
        card("90000000000000"),  # 15 digits, and no scheme starts with 9
        card("9558801234567890123"),  # 20 digits
        f"订单 1{union19}",  # inside a longer run
        card("12345678901234567"),  # 18 digits, no scheme starts with 1
        '"number": "4242424242424242"',  # a payment processor's test card, in a code sample
        "测试卡号 4111 1111 1111 1111",
    ]
    assert outputs("pii_bank_card", pos) == [True] * len(pos)
    assert outputs("pii_bank_card", neg) == [False] * len(neg)


def test_a_resident_id_that_happens_to_pass_luhn_is_not_a_card():
    for seq in range(1000):  # find an ID starting with 4 (a card scheme prefix) that passes Luhn too
        number = with_check(f"44030419900301{seq:03d}")
        if number[-1].isdigit() and luhn_digit(number[:-1]) == number[-1]:
            break
    assert outputs("pii_id", [f"号码{number}"]) == [True]
    assert outputs("pii_bank_card", [f"号码{number}"]) == [False]


# ---- e-mail ----------------------------------------------------------------------------------------

def test_email_addresses():
    pos = ["联系邮箱：zhang.san@qq.com", "Email me at John_Doe+news@mail.corp-news.cn!", "邮件发到abc123@163.com。",
           "简历投递hr@bytedance.com"]
    neg = [
        LONG_OK,
        "someone@example.com",  # reserved for documentation (RFC 2606)
        "John.Doe-123%+@example-domain.com",  # a made-up example
        "admin@localhost",  # no top-level domain
        "a..b@qq.com",  # two dots in a row
        "abc.@qq.com",  # a dot at the end of the local part
        "abc@-qq.com",  # a label starting with a hyphen
        "npm install vue@2.6.10",  # a version, not a domain
        "@Override 注解",
        "xxx@xxx.com",  # a placeholder
        "your_email@domain.com",  # a placeholder
        "git@github.com:user/repo.git",  # a git remote
    ]
    assert outputs("pii_email", pos) == [True] * len(pos)
    assert outputs("pii_email", neg) == [False] * len(neg)


# ---- passports ---------------------------------------------------------------------------------------

def test_passport_numbers_next_to_the_word_passport():
    pos = ["护照号码：E12345678", "passport No. EA1234567", "我的护照号是G12345678。", "Passport number: E87654321",
           "外交护照 D1234567"]
    neg = [
        LONG_OK,
        "订单号E12345678",  # no mention of a passport
        "护照号码：E1234567",  # E + 7 digits is not a shape China issues
        "护照号码：E123456789",  # 9 digits
        "护照号码：EI1234567",  # I and O are not used as the second letter
        "办理护照需要准备身份证、照片和申请表，填写完整以后交到出入境窗口，编号E12345678",  # too far from the word
    ]
    assert outputs("pii_passport", pos) == [True] * len(pos)
    assert outputs("pii_passport", neg) == [False] * len(neg)
