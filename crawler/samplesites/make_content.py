"""Write the procedurally generated sample documents as content YAML (run once, output committed).

Run: ``python -m crawler.samplesites.make_content``. The output, ``content/generated-*.yml``,
is plain data like any hand-written content file; this script only saves typing. It is seeded,
so re-running it gives the same files. Hand-written documents (the seed, the XSS page, the
unparseable page, the duplicate notice) live in their own YAML files and are not touched.
"""

from __future__ import annotations

import random
from pathlib import Path

import yaml

CONTENT = Path(__file__).with_name("content")
YEARS = [2019, 2020, 2020, 2021, 2021, 2021, 2021, 2021, 2022, 2022, 2023]
VALIDITY = ["有效", "有效", "有效", "现行有效", "失效"]

OPENINGS = {
    "notice": "各乡镇（园区）、县直各单位：",
    "school": "各乡镇中心学校，县直各学校、幼儿园：",
    "public": "社会各界：",
}
BODY_BANK = {
    "admission": [
        "为做好{year}年{level}招生入学工作，根据《中华人民共和国义务教育法》和省、市有关文件精神，结合我县实际，现就有关事项通知如下。",
        "一、招生原则。坚持免试就近入学，严格执行“划片招生、相对就近”原则，保障适龄儿童少年依法接受义务教育。",
        "二、报名时间。{year}年7月10日至7月20日，家长可通过线上平台或到学校现场报名，逾期不再受理。",
        "三、报名材料。学生户口簿、监护人身份证、房产证明或居住证明原件及复印件。",
        "四、工作要求。各学校要公开招生计划、招生范围和咨询电话，主动接受社会监督，严禁以任何形式举行选拔性考试。",
    ],
    "budget": [
        "根据《中华人民共和国预算法》和财政部门关于预决算公开的要求，现将{agency}{year}年{kind}公开如下。",
        "一、收支总体情况。{year}年收入合计{amount}万元，支出合计{amount}万元，收支平衡。",
        "二、“三公”经费情况。{year}年“三公”经费支出{small}万元，比上年减少{pct}%，主要是厉行节约、压减公务接待。",
        "三、政府采购情况。{year}年政府采购支出总额{small2}万元，其中授予中小企业合同金额占比{pct2}%。",
        "四、名词解释。一般公共预算拨款收入：指本级财政当年拨付的资金。",
    ],
    "tender": [
        "{project}已由有关部门批准建设，项目资金来自财政资金，招标人为{agency}。项目已具备招标条件，现对该项目进行公开招标。",
        "一、项目概况与招标范围：本次招标共分{lots}个标段，计划工期{days}日历天。",
        "二、投标人资格要求：具备独立法人资格，具有相应施工资质，近三年无重大违法记录。",
        "三、开标时间及地点：{year}年{month}月{day}日9时30分，县公共资源交易中心开标室。",
        "四、联系方式：招标人{agency}，联系人张工，电话0561-6012345。",
    ],
    "award": [
        "{project}于{year}年{month}月{day}日在县公共资源交易中心开标，经评标委员会评审，现将中标结果公告如下。",
        "中标单位：{company}；中标金额：{money}元；项目经理：{person}。",
        "公示期为3个工作日。投标人或其他利害关系人对中标结果有异议的，应在公示期内以书面形式提出。",
    ],
    "personnel": [
        "经{agency}党组研究决定：",
        "任命{name1}同志为{dept1}科长；",
        "任命{name2}同志为{dept2}副科长；",
        "免去{name3}同志{dept1}副科长职务。",
        "以上任免自发文之日起执行。",
    ],
    "policy": [
        "为深入贯彻落实党中央、国务院决策部署，进一步规范{topic}工作，提高工作质量和效率，结合实际，制定本{form}。",
        "第一条 本{form}适用于本行政区域内{topic}相关活动的管理与监督。",
        "第二条 各有关单位应当建立健全工作机制，明确责任分工，按照规定时限办理相关事项。",
        "第三条 对违反本{form}规定的，依照有关法律法规予以处理；构成犯罪的，依法追究刑事责任。",
        "第四条 本{form}自{year}年{month}月1日起施行，有效期五年。",
    ],
    "interpretation": [
        "一、出台背景。为规范{topic}工作，回应群众关切，{agency}研究起草了《{doc}》。",
        "二、主要内容。文件共分四个部分，明确了适用范围、工作职责、办理程序和监督保障措施。",
        "三、主要特点。突出问题导向，简化办理流程，压缩办理时限，强化信息公开。",
        "四、解读机关及联系方式：{agency}办公室，电话0561-6098765。",
    ],
    "news": [
        "{month}月{day}日，{agency}召开{topic}工作推进会，总结前一阶段工作，部署下一步重点任务。",
        "会议指出，要坚持以人民为中心的发展思想，把{topic}工作摆在突出位置，确保各项任务落到实处。",
        "会议要求，各单位要压实责任、强化督查，定期通报工作进展，切实提升群众满意度。",
    ],
    "exam": [
        "根据工作需要，经研究决定，{year}年面向社会公开招聘{topic}工作人员{lots}名。现将有关事项公告如下。",
        "一、招聘条件：具有中华人民共和国国籍，遵守宪法和法律，具有良好的品行和岗位所需的专业能力。",
        "二、报名时间：{year}年{month}月{day}日至{month}月{day2}日，采取网上报名方式。",
        "三、考试方式：笔试和面试相结合，笔试成绩占60%，面试成绩占40%。",
    ],
}
LEVELS = ["义务教育阶段学校", "普通高中", "公办幼儿园", "中等职业学校"]
PROJECTS = [
    "县第一实验学校教学楼维修工程",
    "城区老旧小区改造项目（二期）",
    "乡村学校少年宫设备采购项目",
    "县城区雨污分流改造工程",
    "保障性住房配套道路工程",
    "中小学校园安全监控系统采购项目",
    "南部次中心学校运动场建设工程",
    "市政道路路灯节能改造工程",
]
COMPANIES = [
    "安徽某建设工程有限公司",
    "淮北某市政工程有限公司",
    "合肥某科技有限公司",
    "宿州某建筑安装有限公司",
]
TOPICS = [
    "学生资助",
    "校外培训监管",
    "政府采购",
    "预算绩效管理",
    "住房公积金",
    "建筑市场监管",
    "就业创业",
    "社会保险",
    "农民工工资支付",
    "校园安全",
]
POLICY_FORMS = [
    ("关于印发《{topic}管理办法》的通知", "办法"),
    ("关于进一步加强{topic}工作的意见", "意见"),
    ("关于做好{year}年{topic}工作的通知", "通知"),
    ("{topic}工作实施细则", "细则"),
]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙朱马胡郭林何高罗"
GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "华",
]
GBK_ONLY_GIVEN = [
    "镕",
    "喆",
    "镕生",
    "喆明",
]  # in GBK but outside GB2312: the GBK site must keep them
DEPTS = ["办公室", "人事科", "计划财务科", "法规科", "基础教育股", "政策法规科"]


def doc_date(rng: random.Random) -> tuple[int, int, int, str]:
    year = rng.choice(YEARS)
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    return (
        year,
        month,
        day,
        f"{year}-{month:02d}-{day:02d} {rng.randint(8, 17):02d}:{rng.choice([0, 15, 23, 30, 45]):02d}",
    )


def person(rng: random.Random, gbk_names: bool) -> str:
    given = GIVEN + (GBK_ONLY_GIVEN * 3 if gbk_names else [])
    return rng.choice(SURNAMES) + rng.choice(given)


def make_doc(
    rng: random.Random, kind: str, agency: str, short: str, gbk_names: bool = False
) -> dict:
    year, month, day, published = doc_date(rng)
    v = {
        "year": year,
        "month": month,
        "day": day,
        "day2": min(day + 7, 28),
        "agency": agency,
        "level": rng.choice(LEVELS),
        "project": rng.choice(PROJECTS),
        "company": rng.choice(COMPANIES),
        "topic": rng.choice(TOPICS),
        "lots": rng.randint(2, 6),
        "days": rng.choice([90, 120, 180]),
        "amount": f"{rng.randint(3000, 90000)}.{rng.randint(10, 99)}",
        "small": f"{rng.randint(5, 90)}.{rng.randint(1, 9)}",
        "small2": f"{rng.randint(100, 900)}.{rng.randint(1, 9)}",
        "pct": rng.randint(2, 15),
        "pct2": rng.randint(40, 90),
        "money": f"{rng.randint(200000, 9000000)}.00",
        "person": person(rng, gbk_names),
        "name1": person(rng, gbk_names),
        "name2": person(rng, gbk_names),
        "name3": person(rng, gbk_names),
        "dept1": rng.choice(DEPTS),
        "dept2": rng.choice(DEPTS),
        "kind": rng.choice(["部门预算", "部门决算"]),
    }
    form = rng.choice(POLICY_FORMS)
    v["form"] = form[1]
    v["doc"] = form[0].format(**v).replace("关于印发《", "").replace("》的通知", "")
    titles = {
        "admission": "关于做好{year}年{level}招生入学工作的通知",
        "budget": "{agency}{year}年{kind}公开",
        "tender": "{project}招标公告",
        "award": "{project}中标结果公告",
        "personnel": "关于{name1}、{name2}等同志职务任免的通知",
        "policy": form[0],
        "interpretation": "《{doc}》政策解读",
        "news": "{agency}召开{topic}工作推进会",
        "exam": "{year}年公开招聘{topic}工作人员公告",
    }
    title = titles[kind].format(**v)
    body = [p.format(**v) for p in BODY_BANK[kind]]
    if kind in ("admission", "policy", "personnel"):
        body.insert(0, OPENINGS["school" if kind == "admission" else "notice"])
    body.append(agency)
    body.append(f"{year}年{month}月{day}日")
    has_no = kind in ("admission", "policy", "personnel", "exam")
    return {
        "title": title,
        "published_at": published,
        "written_at": published[:10],
        "doc_no": f"{short}〔{year}〕{rng.randint(1, 60)}号" if has_no else None,
        "keywords": {
            "admission": "招生 入学",
            "budget": "预算 决算",
            "tender": "招标",
            "award": "中标",
            "personnel": "人事任免",
            "policy": v["topic"],
            "interpretation": "政策解读",
            "news": "工作动态",
            "exam": "招聘 考试",
        }[kind],
        "validity": rng.choice(VALIDITY) if kind == "policy" else None,
        "source": agency,
        "body": body,
        "kind": kind,
    }


# (file stem, site host, organ or None, agency, short doc prefix, id base, [(column, kind, count)], gbk names)
PLAN = [
    (
        "suixi-jyj",
        "www.sxx.sample.test",
        "jyj",
        "濉溪县教育局",
        "濉教",
        62713000,
        [
            ("通知公告", "policy", 8),
            ("招生考试", "admission", 8),
            ("政策文件", "policy", 6),
            ("政策解读", "interpretation", 5),
            ("财政资金", "budget", 5),
            ("工作动态", "news", 10),
        ],
        False,
    ),
    (
        "suixi-czj",
        "www.sxx.sample.test",
        "czj",
        "濉溪县财政局",
        "濉财",
        62715000,
        [
            ("预算决算", "budget", 10),
            ("政府采购", "tender", 6),
            ("政府采购", "award", 6),
            ("通知公告", "policy", 6),
            ("人事信息", "personnel", 4),
        ],
        False,
    ),
    (
        "qingxi-rsj",
        "rsj.qingxi.sample.test",
        None,
        "青溪县人力资源和社会保障局",
        "青人社",
        3456100,
        [
            ("通知公告", "policy", 14),
            ("人事任免", "personnel", 8),
            ("招考录用", "exam", 8),
            ("政策解读", "interpretation", 5),
        ],
        True,
    ),
    (
        "qingchuan-zjj",
        "zjj.qingchuan.sample.test",
        None,
        "晴川市住房和城乡建设局",
        "晴建",
        7781200,
        [
            ("通知公告", "policy", 10),
            ("招标投标", "tender", 6),
            ("招标投标", "award", 6),
            ("财政预决算", "budget", 6),
            ("政策解读", "interpretation", 5),
            ("工作动态", "news", 10),
        ],
        False,
    ),
    (
        "minghu-sthjj",
        "sthjj.minghu.sample.test",
        None,
        "明湖市生态环境局",
        "明环",
        2493700,
        [("通知公告", "policy", 9), ("政策文件", "policy", 7), ("环评审批", "news", 6)],
        False,
    ),
    (
        "fengjiang-jyj",
        "jyj.fengjiang.sample.test",
        None,
        "枫江县教育体育局",
        "枫教体",
        174240900,
        [("通知公告", "policy", 10), ("政策文件", "policy", 6), ("政策解读", "interpretation", 6)],
        False,
    ),
    (
        "lingnan-sfj",
        "www.lingnan.sample.test",
        None,
        "岭南市司法局",
        "岭司",
        3255400,
        [("规范性文件", "policy", 8), ("政策解读", "interpretation", 6), ("通知公告", "news", 8)],
        False,
    ),
]
ATTACH = {
    "admission": [
        ("附件1：{year}年招生入学报名表.docx", "admission-form-2021.docx"),
        ("附件2：报名须知.doc", "enrollment-notice.doc"),
    ],
    "budget": [
        ("{year}年预算公开说明.pdf", "budget-2021.pdf"),
        ("预算决算明细表.xls", "budget-final-2021.xls"),
    ],
    "award": [("中标结果一览表.xlsx", "tender-result.xlsx")],
    "exam": [("招聘岗位表.xls", "budget-final-2021.xls")],
}


def build(
    stem: str,
    host: str,
    organ: str | None,
    agency: str,
    short: str,
    base: int,
    columns: list,
    gbk_names: bool,
) -> dict:
    rng = random.Random(stem)
    docs = []
    n = 0
    for column, kind, count in columns:
        for _ in range(count):
            n += 1
            doc = make_doc(rng, kind, agency, short, gbk_names)
            doc["id"] = base + n * 7
            doc["column"] = column
            doc["category_label"] = column
            doc["index_no"] = f"{short}-{doc['published_at'][:4]}-{n:05d}"
            year = doc["published_at"][:4]
            if kind in ATTACH and n % 2 == 0:
                doc["attachments"] = [
                    {"name": name.format(year=year), "file": f} for name, f in ATTACH[kind]
                ]
            docs.append({k: doc[k] for k in sorted(doc) if k != "kind" and doc[k] is not None})
    header = {"site": host, "agency": agency}
    if organ:
        header["organ"] = organ
    return {**header, "documents": docs}


def main() -> None:
    # Seeded per file stem: re-running rewrites the existing files unchanged.
    for stem, host, organ, agency, short, base, columns, gbk in PLAN:
        data = build(stem, host, organ, agency, short, base, columns, gbk)
        text = "# Generated by `python -m crawler.samplesites.make_content`; plain data, edit freely.\n"
        text += yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=200)
        (CONTENT / f"generated-{stem}.yml").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
