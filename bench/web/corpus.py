"""Chinese text for the page benchmark: word lists and sentence templates.

Written for this bench (no external data).  Everything is drawn from a
``random.Random`` the caller seeds, so two runs produce the same community.
"""

from __future__ import annotations

import random

CITIES = [
    ("beijing", "北京"),
    ("shanghai", "上海"),
    ("guangzhou", "广州"),
    ("shenzhen", "深圳"),
    ("chengdu", "成都"),
    ("hangzhou", "杭州"),
    ("wuhan", "武汉"),
    ("xian", "西安"),
    ("nanjing", "南京"),
    ("changsha", "长沙"),
    ("chongqing", "重庆"),
    ("suzhou", "苏州"),
    ("xiamen", "厦门"),
    ("qingdao", "青岛"),
    ("kunming", "昆明"),
    ("dalian", "大连"),
    ("tianjin", "天津"),
    ("hefei", "合肥"),
    ("fuzhou", "福州"),
    ("jinan", "济南"),
]

# slug, name, things people talk about, topics of the theme
THEMES = [
    (
        "coffee",
        "咖啡",
        ["手冲", "拿铁", "冷萃", "咖啡豆", "磨豆机", "挂耳", "美式"],
        ["咖啡日常", "手冲记录", "探店"],
    ),
    (
        "running",
        "跑步",
        ["跑鞋", "配速", "半马", "间歇跑", "晨跑", "运动手表", "夜跑"],
        ["跑步日记", "健身打卡", "马拉松"],
    ),
    (
        "camping",
        "露营",
        ["帐篷", "天幕", "睡袋", "营地", "卡式炉", "露营车", "折叠椅"],
        ["周末去哪儿", "露营装备", "户外"],
    ),
    (
        "baking",
        "烘焙",
        ["戚风蛋糕", "吐司", "可颂", "烤箱", "黄油", "酸种面包", "曲奇"],
        ["烘焙日记", "一人食", "甜品"],
    ),
    (
        "photo",
        "摄影",
        ["定焦镜头", "胶片", "街拍", "三脚架", "人像", "夜景", "调色"],
        ["摄影分享", "城市漫步", "胶片"],
    ),
    (
        "reading",
        "读书",
        ["小说", "散文", "推理小说", "诗集", "传记", "科普书", "历史书"],
        ["读书笔记", "每月书单", "好书推荐"],
    ),
    (
        "pets",
        "萌宠",
        ["猫粮", "猫砂", "狗绳", "驱虫", "疫苗", "宠物医院", "逗猫棒"],
        ["萌宠日常", "铲屎官", "领养代替购买"],
    ),
    (
        "outfits",
        "穿搭",
        ["风衣", "牛仔裤", "小白鞋", "针织衫", "半身裙", "卫衣", "西装外套"],
        ["今日穿搭", "通勤穿搭", "好物分享"],
    ),
    (
        "digital",
        "数码",
        ["降噪耳机", "平板", "机械键盘", "充电宝", "智能手表", "显示器", "路由器"],
        ["数码开箱", "桌面改造", "好物分享"],
    ),
    (
        "food",
        "美食",
        ["火锅", "螺蛳粉", "烧烤", "酸菜鱼", "煲仔饭", "小笼包", "糖水"],
        ["探店", "家常菜", "美食地图"],
    ),
]

GENERAL_TOPICS = [
    "日常",
    "求助",
    "吐槽大会",
    "周末快乐",
    "打工人",
    "新手报到",
    "年度总结",
    "今日份快乐",
]

CIRCLE_DESCRIPTIONS = [
    "{city}的{theme}爱好者聚在这里，分享心得、约活动、互相种草。",
    "在{city}玩{theme}？来这里交流经验，新手老手都欢迎。",
    "{city}{theme}同好圈：不吹不黑，真实分享。",
]

ANNOUNCEMENTS = [
    "欢迎新朋友！发帖前请先看看置顶，友善交流，禁止广告。",
    "本周末线下活动报名中，名额有限，详情见圈主帖子。",
    "",
]

NICK_ADJ = [
    "爱喝拿铁的",
    "不想上班的",
    "早起的",
    "快乐的",
    "迷路的",
    "认真的",
    "安静的",
    "会做饭的",
    "爱跑步的",
    "熬夜的",
    "佛系的",
    "元气满满的",
    "慢吞吞的",
    "想去旅行的",
    "喜欢下雨的",
]
NICK_NOUN = [
    "小猫",
    "大熊",
    "兔子",
    "鲸鱼",
    "橘子",
    "柠檬",
    "小鹿",
    "企鹅",
    "向日葵",
    "月亮",
    "饺子",
    "豆包",
    "奶茶",
    "星星",
    "海盐",
    "松鼠",
]
PINYIN = [
    "xiao",
    "mei",
    "wang",
    "li",
    "zhang",
    "chen",
    "yang",
    "liu",
    "hua",
    "ming",
    "jing",
    "lei",
    "fang",
    "ting",
    "yu",
    "hao",
    "jun",
    "lin",
    "xin",
    "yue",
    "qing",
    "bo",
    "tao",
    "na",
]

FEELINGS = [
    "真的绝了",
    "比想象中好",
    "一般般",
    "有点失望",
    "超出预期",
    "性价比很高",
    "值得一试",
    "踩雷了",
    "会回购",
    "强烈推荐",
]
TIMES = ["今天", "周末", "昨天晚上", "下班后", "早上", "假期里", "上周", "刚刚"]
PLACES = ["家附近", "公司楼下", "老城区", "商场里", "江边", "公园", "朋友家", "一家小店"]
PEOPLE = ["朋友", "同事", "室友", "家里人", "对象", "圈里的小伙伴", "邻居"]

TITLES = [
    "{thing}用了一个月，说说真实感受",
    "求推荐：{thing}怎么选？",
    "第一次尝试{thing}，{feeling}",
    "{city}有没有好的{thing}推荐",
    "{time}的{thing}记录",
    "关于{thing}的几点经验，新手必看",
    "{thing}到底值不值？",
    "{city}{theme}人集合！",
    "分享一下我的{thing}清单",
    "{thing}翻车现场，大家引以为戒",
]

SENTENCES = [
    "{time}在{place}试了{thing}，{feeling}。",
    "{people}推荐的{thing}，用下来感觉{feeling}。",
    "有没有人知道{city}哪里的{thing}比较好？",
    "说实话，{thing}这个东西见仁见智，我个人觉得{feeling}。",
    "坚持了{n}天{theme}，最大的感受是要慢慢来。",
    "预算{n}00左右，想入一个{thing}，求大家给点建议。",
    "上次在圈里看到有人推荐{thing}，果断下单，{feeling}。",
    "记录一下：{thing}{n}次，{feeling}。",
    "{city}最近天气不错，特别适合{theme}。",
    "和{people}一起去{place}，顺便买了{thing}。",
    "新手一枚，请问{thing}需要注意什么？",
    "踩过的坑都写在这里了，希望对大家有帮助。",
    "价格从{n}0到{n}00都有，别一上来就买最贵的。",
    "下次准备试试{thing}，到时候再来更新。",
    "欢迎大家在评论区交流，一起进步！",
]

COMMENTS = [
    "同意！",
    "求链接",
    "哈哈哈哈太真实了",
    "收藏了，谢谢分享",
    "{thing}我也在用，{feeling}",
    "楼主在{city}哪里买的？",
    "请问{thing}多少钱？",
    "mark一下",
    "学到了",
    "我也想去{place}",
    "这个{thing}我踩过雷，慎重",
    "羡慕了",
    "下次一起啊",
    "写得好详细，点赞",
    "+1",
    "{time}刚好路过，确实{feeling}",
    "蹲一个后续",
    "楼主好厉害",
    "同{city}的举个手",
    "已下单",
]
REPLIES = [
    "是的是的",
    "谢谢！",
    "我私信你",
    "哈哈同感",
    "在{place}那边",
    "大概{n}0块",
    "可以的",
    "等我试完再来说",
    "对，就是这个",
    "真的吗？我去看看",
]


def circles(count: int) -> list[dict]:
    """``count`` distinct circles: a city crossed with a theme."""
    out = []
    for i in range(count):
        (city_slug, city), theme = CITIES[i % len(CITIES)], THEMES[(i // len(CITIES)) % len(THEMES)]
        round_ = i // (len(CITIES) * len(THEMES))
        suffix = f"{round_ + 1}" if round_ else ""
        out.append(
            {
                "slug": f"{city_slug}-{theme[0]}{suffix}",
                "name": f"{city}{theme[1]}圈{suffix}",
                "city": city,
                "theme": theme,
            }
        )
    return out


def nickname(rng: random.Random, i: int) -> str:
    nick = rng.choice(NICK_ADJ) + rng.choice(NICK_NOUN)
    return nick if rng.random() < 0.7 else f"{nick}{i % 1000}"


def username(rng: random.Random, i: int) -> str:
    return f"{rng.choice(PINYIN)}{rng.choice(PINYIN)}{i:05d}"


def _fill(rng: random.Random, template: str, circle: dict) -> str:
    theme = circle["theme"]
    return template.format(
        thing=rng.choice(theme[2]),
        theme=theme[1],
        city=circle["city"],
        feeling=rng.choice(FEELINGS),
        time=rng.choice(TIMES),
        place=rng.choice(PLACES),
        people=rng.choice(PEOPLE),
        n=rng.randint(2, 9),
    )


def post(rng: random.Random, circle: dict) -> tuple[str, str]:
    """A (title, body): most posts short, a few long, about 60 % with ``#话题#``."""
    title = _fill(rng, rng.choice(TITLES), circle) if rng.random() < 0.7 else ""
    shape = rng.random()
    n = (
        rng.randint(1, 2)
        if shape < 0.5
        else rng.randint(3, 8)
        if shape < 0.9
        else rng.randint(10, 40)
    )
    lines = [_fill(rng, rng.choice(SENTENCES), circle) for _ in range(n)]
    if n > 4:
        # Long posts come in paragraphs.
        cut = rng.randint(2, n - 2)
        lines = ["".join(lines[:cut]), "", "".join(lines[cut:])]
    body = "\n".join(lines) if n > 4 else "".join(lines)
    roll = rng.random()
    if roll < 0.6:
        topics = rng.sample(circle["theme"][3], k=1 if roll < 0.45 else 2)
        if rng.random() < 0.15:
            topics.append(rng.choice(GENERAL_TOPICS))
        marks = "".join(f"#{t}#" for t in topics)
        body = f"{marks} {body}" if rng.random() < 0.5 else f"{body}\n{marks}"
    if rng.random() < 0.03:
        body += f"\n链接：https://example.com/item/{rng.randint(1000, 99999)}"
    return title, body


def comment(rng: random.Random, circle: dict, reply: bool) -> str:
    if reply:
        return _fill(rng, rng.choice(REPLIES), circle)
    text = _fill(rng, rng.choice(COMMENTS), circle)
    if rng.random() < 0.25:
        text += _fill(rng, rng.choice(SENTENCES), circle)
    return text
