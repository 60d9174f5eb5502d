"""Every evasion family is caught, and the ordinary text it resembles passes."""

from __future__ import annotations

import pytest

from moderation import ScreenContext, screen

# (text, expected decision, the word-list entry that must hit, the original text it covers)
WORD_EVASIONS = [
    ("你就是个傻逼", "block", "傻逼", "傻逼"),
    ("你就是个傻 逼", "block", "傻逼", "傻 逼"),
    ("你就是个傻\u3000逼", "block", "傻逼", "傻\u3000逼"),
    ("你就是个傻，逼！", "block", "傻逼", "傻，逼"),
    ("你就是个傻*逼", "block", "傻逼", "傻*逼"),
    ("你就是个傻@#￥逼", "block", "傻逼", "傻@#￥逼"),
    ("你就是个傻😀逼", "block", "傻逼", "傻😀逼"),
    ("你就是个傻\u200b逼", "block", "傻逼", "傻\u200b逼"),
    ("你就是个傻\u200d\ufeff逼", "block", "傻逼", "傻\u200d\ufeff逼"),
    ("你就是个傻傻傻逼逼逼", "block", "傻逼", "傻傻傻逼逼逼"),
    ("他们在练法輪功", "block", "法轮功", "法輪功"),
    ("法 輪 😀 功", "block", "法轮功", "法 輪 😀 功"),
    ("可以代開發票嗎", "review", "代开发票", "代開發票"),
    ("代-开-发-票，量大从优", "review", "代开发票", "代-开-发-票"),
    ("同城約炮", "block", "约炮", "約炮"),
    ("FUCK this", "block", "fuck", "FUCK"),
    ("ＦＵＣＫ this", "block", "fuck", "ＦＵＣＫ"),
    ("F U C K this", "block", "fuck", "F U C K"),
    ("f.u.c.k this", "block", "fuck", "f.u.c.k"),
    ("fuuuuck this", "block", "fuck", "fuuuuck"),
    ("ffuucckk this", "block", "fuck", "ffuucckk"),
    ("𝐟𝐮𝐜𝐤 this", "block", "fuck", "𝐟𝐮𝐜𝐤"),
    ("𝒻𝓊𝒸𝓀 this", "block", "fuck", "𝒻𝓊𝒸𝓀"),
    ("ⓕⓤⓒⓚ this", "block", "fuck", "ⓕⓤⓒⓚ"),
    ("ⒻⓊⒸⓀ this", "block", "fuck", "ⒻⓊⒸⓀ"),
    ("🅕🅤🅒🅚 this", "block", "fuck", "🅕🅤🅒🅚"),
    ("ᶠᵘᶜᵏ this", "block", "fuck", "ᶠᵘᶜᵏ"),
    ("ꜰᴜᴄᴋ this", "block", "fuck", "ꜰᴜᴄᴋ"),
    ("fuсk this", "block", "fuck", "fuсk"),  # Cyrillic с
    ("Fück this", "block", "fuck", "Fück"),
    ("fu\u0308ck this", "block", "fuck", "fu\u0308ck"),  # combining diaeresis
    ("f\u0332u\u0332c\u0332k\u0332 this", "block", "fuck", "f\u0332u\u0332c\u0332k"),
    ("买ass号找我", "block", "ass", "ass"),
    ("kiss my ass!", "block", "ass", "ass"),
    ("KISS MY ASS", "block", "ass", "ASS"),
    ("kiss my a-s-s", "block", "ass", "a-s-s"),
    ("kiss my аss", "block", "ass", "аss"),  # Cyrillic а
    ("kiss my αss", "block", "ass", "αss"),  # Greek alpha
    ("kiss my ɑss", "block", "ass", "ɑss"),  # Latin alpha
    ("kiss my Ａｓｓ", "block", "ass", "Ａｓｓ"),
    ("ⓒⓝⓜ你个头", "block", "cnm", "ⓒⓝⓜ"),
    ("сnm", "block", "cnm", "сnm"),  # Cyrillic с
    ("出售游戏币", "review", "游戏币", "游戏币"),
    ("出售遊戲幣", "review", "游戏币", "遊戲幣"),
]


@pytest.mark.parametrize(("text", "decision", "term", "covered"), WORD_EVASIONS)
def test_word_evasions_are_caught(
    context: ScreenContext, text: str, decision: str, term: str, covered: str
) -> None:
    verdict = screen(text, context)
    assert verdict.action == decision
    words = [r for r in verdict.reasons if r.kind == "word" and r.term == term]
    assert words, verdict.reasons
    assert [text[start:end] for start, end in words[0].spans] == [covered]


# (text, expected kind of contact, the original text it covers)
CONTACT_EVASIONS = [
    ("有事打我电话13812345678", "手机号码", "13812345678"),
    ("电话 138 1234 5678 随时", "手机号码", "138 1234 5678"),
    ("电话 1 3 8-1234-5678", "手机号码", "1 3 8-1234-5678"),
    ("电话 +86 138-1234-5678", "手机号码", "138-1234-5678"),
    ("手机一三八一二三四五六七八", "手机号码", "一三八一二三四五六七八"),
    ("打 一三八 零零 幺二三四 五六 找我", "手机号码", "一三八 零零 幺二三四 五六"),
    ("电话幺三八洞洞幺两三四五六", "手机号码", "幺三八洞洞幺两三四五六"),
    ("电话壹叁捌壹贰叁肆伍陆柒捌", "手机号码", "壹叁捌壹贰叁肆伍陆柒捌"),
    ("电话①③⑧①②③④⑤⑥⑦⑧", "手机号码", "①③⑧①②③④⑤⑥⑦⑧"),
    ("电话⑴⑶⑻⑴⑵⑶⑷⑸⑹⑺⑻", "手机号码", "⑴⑶⑻⑴⑵⑶⑷⑸⑹⑺⑻"),
    ("电话❶❸❽❶❷❸❹❺❻❼❽", "手机号码", "❶❸❽❶❷❸❹❺❻❼❽"),
    ("电话𝟏𝟑𝟖𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖", "手机号码", "𝟏𝟑𝟖𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖"),
    ("电话１３８１２３４５６７８", "手机号码", "１３８１２３４５６７８"),
    ("电话1️⃣3️⃣8️⃣1️⃣2️⃣3️⃣4️⃣5️⃣6️⃣7️⃣8️⃣", "手机号码", "1️⃣3️⃣8️⃣1️⃣2️⃣3️⃣4️⃣5️⃣6️⃣7️⃣8"),
    ("Call me at 138.1234.5678", "手机号码", "138.1234.5678"),
    ("QQ：12345678", "QQ号", "QQ：12345678"),
    ("加我qq 123 456 789", "QQ号", "qq 123 456 789"),
    ("ＱＱ群 7654321 欢迎", "QQ号", "ＱＱ群 7654321"),
    ("扣扣 幺二三四五六七八", "QQ号", "扣扣 幺二三四五六七八"),
    ("企鹅号：9876543", "QQ号", "企鹅号：9876543"),
    ("Q号: 87654321", "QQ号", "Q号: 87654321"),
    ("加 12345678（QQ）", "QQ号", "12345678（QQ"),
    ("ⓆⓆ 12345678", "QQ号", "ⓆⓆ 12345678"),
    ("微信：abc12345", "微信号", "微信：abc12345"),
    ("威信 abc_123456", "微信号", "威信 abc_123456"),
    ("薇信号 meimei2024", "微信号", "薇信号 meimei2024"),
    ("徽信 mei_2024", "微信号", "徽信 mei_2024"),
    ("V信 zhangsan88", "微信号", "V信 zhangsan88"),
    ("vx: zhangsan", "微信号", "vx: zhangsan"),
    ("VX：zhang-san-88", "微信号", "VX：zhang-san-88"),
    ("wx xiaomei2024 私聊", "微信号", "wx xiaomei2024"),
    ("加V abc123456", "微信号", "加V abc123456"),
    ("有意➕V：abc123456", "微信号", "➕V：abc123456"),
    ("+v xiaomei2024", "微信号", "+v xiaomei2024"),
    ("加薇 mei2024x", "微信号", "加薇 mei2024x"),
    ("weixin: tom_2024", "微信号", "weixin: tom_2024"),
    ("ｖｘ：ａｂｃ１２３４５", "微信号", "ｖｘ：ａｂｃ１２３４５"),
    ("邮箱 abc@qq.com", "电子邮箱", "abc@qq.com"),
    ("邮箱 abc @ qq . com", "电子邮箱", "abc @ qq . com"),
    ("邮箱 ａｂｃ＠ｑｑ．ｃｏｍ", "电子邮箱", "ａｂｃ＠ｑｑ．ｃｏｍ"),
    ("邮箱 abc艾特qq点com", "电子邮箱", "abc艾特qq点com"),
]


@pytest.mark.parametrize(("text", "message", "covered"), CONTACT_EVASIONS)
def test_contact_details_are_caught(
    context: ScreenContext, text: str, message: str, covered: str
) -> None:
    verdict = screen(text, context)
    assert verdict.action == "review"
    contacts = [r for r in verdict.reasons if r.kind == "contact"]
    assert [r.message for r in contacts] == [f"含有{message}"]
    assert contacts[0].category == "广告"
    assert [text[start:end] for start, end in contacts[0].spans] == [covered]


LINK_EVASIONS = [
    ("看 spam点com 有惊喜", "spam点com"),
    ("看 spam 点 com 有惊喜", "spam 点 com"),
    ("看 spam。com 有惊喜", "spam。com"),
    ("看 www . spam . com 有惊喜", "www . spam . com"),
    ("看 ｗｗｗ。ｓｐａｍ。ｃｎ", "ｗｗｗ。ｓｐａｍ。ｃｎ"),
    ("看 h t t p : // spam.xyz/abc", "h t t p : // spam.xyz/abc"),
]


@pytest.mark.parametrize(("text", "covered"), LINK_EVASIONS)
def test_disguised_links_go_to_review(context: ScreenContext, text: str, covered: str) -> None:
    verdict = screen(text, context)
    assert verdict.action == "review"
    (link,) = [r for r in verdict.reasons if r.kind == "link"]
    assert link.message == "含有变形网址"
    assert [text[start:end] for start, end in link.spans] == [covered]


ORDINARY = [
    "This class is about the assassin in Scunthorpe.",
    "Let's pass the bass guitar, a massive grass field and Assam tea.",
    "Reply as soon as possible, as usual.",
    "佳保安全公司成立十周年",
    "最佳保安全都来自佳保安全公司",
    "我妈今天做了红烧肉",
    "微信支付很方便",
    "企业微信",
    "我用微信扫码付款了",
    "微信 wechat pay 都可以",
    "我的微信号是什么来着",
    "QQ音乐很好用，企鹅很可爱",
    "vx 很方便",
    "订单号 2024112312345678，请查收",
    "订单号：2024-1123-1234-5678",
    "快递单号 SF1234567890123",
    "2024年11月23日 2024-11-23 13:45:00",
    "二〇二四年十一月二十三日",
    "价格 ¥1399，原价 1599 元，省了 200",
    "iPhone 15 Pro Max 256GB 售价 9999 元",
    "华为 Mate 60 和 小米 14 对比",
    "客服热线 400-820-8820",
    "我有 138 个粉丝，13 个关注",
    "The meeting is at 10:30 in room 1138.",
    "Version 1.2.3 is out. Info inside.",
    "see the end. live on!",
    "官网 weishequn.cn 和 https://www.weishequn.cn/c/travel 了解更多",
    "看这两个 a.com 和 b.com",
    "@小美 一起来玩",
    "今天天气真好哈哈哈哈哈",
]


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_text_passes(context: ScreenContext, text: str) -> None:
    verdict = screen(text, context)
    assert verdict.action == "allow", verdict.reasons
    assert verdict.reasons == ()
