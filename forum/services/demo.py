"""The demo community: eight circles, forty members, three hundred posts.

Everything is generated from the word lists and sentence templates below
(written for this project), through the same bulk import path operators use,
so the demo also exercises it.  Loading is idempotent.
"""

from __future__ import annotations

import json
import random
from datetime import timedelta

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from ..extensions import db
from ..models import Circle, User, utcnow
from . import accounts, importer

DEMO_PASSWORD = "weishequn2024"

CIRCLES = {
    "beauty": (
        "美妆",
        "护肤彩妆心得、空瓶记、平价好物，真实测评不吹不黑。",
        ["面霜", "精华", "口红", "粉底液", "防晒霜", "眼影盘", "卸妆油", "面膜"],
    ),
    "outfits": (
        "穿搭",
        "每日穿搭、通勤搭配、换季衣橱整理，一起变好看。",
        ["风衣", "牛仔裤", "小白鞋", "针织衫", "半身裙", "羽绒服", "卫衣", "西装外套"],
    ),
    "travel": (
        "旅行",
        "攻略、路线、民宿和路上的故事，说走就走。",
        ["大理", "成都", "厦门", "西安", "青岛", "桂林", "长沙", "杭州"],
    ),
    "fitness": (
        "健身",
        "减脂增肌、跑步打卡、居家训练，互相监督。",
        ["深蹲", "跑步", "跳绳", "瑜伽", "普拉提", "游泳", "骑行", "平板支撑"],
    ),
    "parenting": (
        "母婴",
        "孕期、育儿、辅食和带娃日常，新手爸妈互助。",
        ["辅食", "纸尿裤", "婴儿车", "绘本", "早教", "湿疹", "午睡", "疫苗"],
    ),
    "digital": (
        "数码",
        "手机、耳机、电脑和智能家居，参数之外聊体验。",
        ["降噪耳机", "平板", "机械键盘", "充电宝", "智能手表", "扫地机器人", "相机", "显示器"],
    ),
    "food": (
        "美食",
        "家常菜谱、探店、烘焙，好吃的都在这里。",
        ["红烧肉", "螺蛳粉", "火锅", "戚风蛋糕", "煲仔饭", "凉皮", "糖醋排骨", "酸菜鱼"],
    ),
    "reading": (
        "读书",
        "读书笔记、书单分享、每月共读，慢慢读。",
        ["小说", "散文", "历史书", "心理学", "诗集", "传记", "科普书", "推理小说"],
    ),
}

TOPICS = {
    "beauty": ["好物分享", "空瓶记", "敏感肌护肤", "平价彩妆"],
    "outfits": ["今日穿搭", "通勤穿搭", "好物分享", "小个子穿搭"],
    "travel": ["周末去哪儿", "旅行攻略", "城市漫步", "民宿推荐"],
    "fitness": ["健身打卡", "减脂餐", "跑步日记", "居家训练"],
    "parenting": ["育儿日常", "辅食记录", "好物分享", "新手爸妈"],
    "digital": ["数码开箱", "好物分享", "桌面改造", "续航测试"],
    "food": ["一人食", "家常菜", "探店", "烘焙日记"],
    "reading": ["读书笔记", "每月书单", "共读计划", "好书推荐"],
}

TITLES = [
    "{thing}用了一个月，说说真实感受",
    "求推荐：{thing}怎么选？",
    "第一次尝试{thing}，比想象中好",
    "关于{thing}的三个小建议",
    "{thing}踩坑记录，大家避雷",
    "今天的{thing}分享",
    "",
    "",
]
OPENINGS = ["最近", "上周末", "今天", "这个月", "换季了，", "终于", "朋友推荐下", "纠结了很久，"]
MIDDLES = [
    "入手了{thing}，整体体验{feel}。",
    "试了一下{thing}，{feel}，会继续观察。",
    "把{thing}认真研究了一遍，{feel}。",
    "和大家聊聊{thing}，{feel}。",
]
FEELINGS = [
    "超出预期",
    "中规中矩",
    "有点小惊喜",
    "性价比很高",
    "比想象中难一点",
    "挺适合新手",
    "值得一试",
]
DETAILS = [
    "优点是上手快，缺点是需要一点耐心。",
    "细节做得不错，包装也很用心。",
    "建议先少量试试，适合自己最重要。",
    "身边好几个朋友也在用，评价都还行。",
    "价格不算便宜，但用下来觉得值。",
    "坚持了两周，变化还是能感觉到的。",
    "有同款的姐妹可以交流一下心得。",
    "下次再更新长期使用的感受。",
]
ENDINGS = [
    "大家有什么经验欢迎评论区聊聊～",
    "有问题可以留言，看到都会回。",
    "以上纯个人感受，仅供参考。",
    "你们觉得呢？",
]
COMMENTS = [
    "说得太对了，我也有同感",
    "收藏了，谢谢分享！",
    "请问是在哪里买的？",
    "求更新后续～",
    "这个我也想试试",
    "同款！确实好用",
    "学到了，马上去试",
    "有没有更平价的替代？",
    "写得好详细，感谢",
    "我觉得还好，因人而异吧",
    "楼主的经验很有用",
    "蹲一个长期反馈",
]
REPLIES = [
    "谢谢！",
    "对，我也是这么觉得",
    "线下门店就有",
    "回头写个详细版",
    "可以私信交流",
    "哈哈确实",
]
SURNAMES = "林陈王李张刘杨黄赵周吴徐孙马朱胡郭何高罗"
GIVEN = [
    "小美",
    "阿杰",
    "晓雨",
    "木子",
    "安安",
    "一一",
    "大橙子",
    "团团",
    "豆豆",
    "七七",
    "小鹿",
    "阿哲",
    "糖糖",
    "星河",
    "南风",
    "青柠",
    "半夏",
    "知秋",
    "可乐",
    "奶茶",
]


def _records(rng: random.Random):
    now = utcnow()
    members = []
    for i in range(40):
        nickname = rng.choice(SURNAMES) + rng.choice(GIVEN) if i else "小美"
        username = "xiaomei" if i == 0 else f"fan{i:02d}"
        joined = now - timedelta(days=rng.randint(20, 200))
        members.append(username)
        yield {
            "type": "member",
            "ref": username,
            "username": username,
            "nickname": nickname,
            "created_at": joined.isoformat(),
        }
    for k, (slug, (name, description, _)) in enumerate(CIRCLES.items()):
        yield {
            "type": "circle",
            "ref": slug,
            "slug": slug,
            "name": name,
            "description": description,
            "owner": members[k * 5],
            "announcement": f"欢迎来到{name}圈！友善交流，禁止广告和人身攻击。",
            "created_at": (now - timedelta(days=30)).isoformat(),
        }
    comment_no = 0
    for n in range(300):
        slug = rng.choice(list(CIRCLES))
        thing = rng.choice(CIRCLES[slug][2])
        topics = rng.sample(TOPICS[slug], rng.choice([0, 1, 1, 2]))
        body = (
            rng.choice(OPENINGS)
            + rng.choice(MIDDLES).format(thing=thing, feel=rng.choice(FEELINGS))
            + "".join(rng.sample(DETAILS, rng.randint(1, 3)))
            + "\n\n"
            + rng.choice(ENDINGS)
            + "".join(f" #{t}#" for t in topics)
        )
        created = now - timedelta(minutes=rng.randint(5, 14 * 24 * 60))
        yield {
            "type": "post",
            "ref": f"p{n}",
            "circle": slug,
            "author": rng.choice(members),
            "title": rng.choice(TITLES).format(thing=thing),
            "body": body,
            "created_at": created.isoformat(),
        }
        for _ in range(rng.choice([0, 0, 1, 2, 3, 5])):
            comment_no += 1
            top = f"m{comment_no}"
            at = created + timedelta(minutes=rng.randint(1, 600))
            yield {
                "type": "comment",
                "ref": top,
                "post": f"p{n}",
                "author": rng.choice(members),
                "body": rng.choice(COMMENTS),
                "created_at": at.isoformat(),
            }
            if rng.random() < 0.3:
                comment_no += 1
                yield {
                    "type": "comment",
                    "ref": f"m{comment_no}",
                    "post": f"p{n}",
                    "parent": top,
                    "author": rng.choice(members),
                    "body": rng.choice(REPLIES),
                    "created_at": (at + timedelta(minutes=30)).isoformat(),
                }
        for member in rng.sample(members, rng.choice([0, 1, 2, 3, 5, 8, 13])):
            yield {"type": "like", "post": f"p{n}", "member": member}


def load(seed: int = 2024, echo=print) -> str:
    if db.session.scalar(select(Circle.id).where(Circle.slug == "beauty")):
        return "demo community already loaded"
    rng = random.Random(seed)
    report = importer.run((json.dumps(r, ensure_ascii=False) for r in _records(rng)), 1000)
    for line_no, message in report.errors:
        echo(f"demo line {line_no}: {message}")
    # Every demo member can log in with the same password.
    password_hash = generate_password_hash(DEMO_PASSWORD)
    for user in db.session.scalars(select(User).where(User.password_hash.is_(None))):
        user.password_hash = password_hash
    db.session.commit()
    _brand(rng)
    return f"{report.summary()}, a brand with 3 products; log in as xiaomei / {DEMO_PASSWORD}"


PRODUCTS = [
    {"name": "高山乌龙茶 罐装 100g", "price": "68", "web_url": "https://shop.example.com/oolong"},
    {
        "name": "白桃气泡水 12 瓶",
        "price": "59.9",
        "mp_appid": "wx1234567890abcdef",
        "mp_path": "pages/item/item?id=2",
    },
    {"name": "桂花冷泡茶 20 包", "price": "39.9", "web_url": "https://shop.example.com/osmanthus"},
]


def _brand(rng: random.Random) -> None:
    """A brand with its account, three products shared in food posts, and a pin."""
    from ..models import Post, PostProduct
    from . import brands, pins, products

    account = accounts.register("shanye_tea", DEMO_PASSWORD, "山野茶事官方", role="brand")
    brand = brands.create(None, "山野茶事")
    brands.attach_account(None, brand, account.username)
    shelf = [products.create(account, form) for form in PRODUCTS]
    food = db.session.scalars(
        select(Post).join(Circle).where(Circle.slug == "food").order_by(Post.id).limit(12)
    ).all()
    for post in food:
        chosen = rng.sample(shelf, rng.choice([1, 1, 2]))
        for position, product in enumerate(chosen):
            db.session.add(PostProduct(post_id=post.id, product_id=product.id, position=position))
        post.is_goods = True
    db.session.commit()
    pins.create(account, "好物分享", "品牌", None, utcnow() + timedelta(days=30))
