"""Synthetic bureau documents for bench/scale.py: deterministic, varied, fast to generate.

What makes them look like real disclosure pages, as far as the archive cares:

- agencies: county x bureau names, sizes skewed (a few large bureaus, many small ones);
- dates from 2012 to 2024, more recent years more common; annual reports (…年度报告) for year
  Y published in January-March of Y+1, as the 条例 requires;
- titles of the form 〈机构〉关于〈事项〉的〈通知/公告/公示…〉, which the real classifier files;
- bodies of 80 to ~12,000 characters (log-normal), words drawn from a Zipf distribution over
  ~150 real bureau words and 30,000 rare pseudo-words, so a few words are very common and
  most are rare; 教育 is put into ~70% of documents, 扶贫 into ~3%, the rare 镕喆 into a few;
- template notices (a tenth of the documents) that differ in a date and a number, so the
  near-duplicate grouping has groups to find, and a few exact reposts under another URL.
"""

from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass

COUNTIES = (
    "濉溪 灵璧 泗县 萧县 砀山 怀远 五河 固镇 凤台 寿县 霍邱 舒城 金寨 霍山 庐江 无为 含山 和县 当涂 "
    "繁昌 南陵 泾县 旌德 绩溪 歙县 休宁 黟县 祁门 东至 石台 青阳 太湖 宿松 望江 岳西 桐城 潜山 枞阳 "
    "临泉 太和 阜南 颍上 界首 利辛 涡阳 蒙城 定远 凤阳 明光 天长 全椒 来安 郎溪 广德 宁国 长丰 肥东 肥西"
).split()
BUREAUS = (
    "教育局 财政局 人力资源和社会保障局 卫生健康委员会 农业农村局 住房和城乡建设局 生态环境分局 "
    "交通运输局 民政局 应急管理局 自然资源和规划局 市场监督管理局 人民政府办公室 文化旅游体育局 水利局 "
    "审计局 统计局 医疗保障局 退役军人事务局 司法局 发展和改革委员会 科学技术局 林业局 商务局"
).split()
# Common bureau words, most frequent first (Zipf rank order). None contains 教育, 扶贫, 招生
# or 镕: those are placed on purpose, with known shares.
COMMON_WORDS = (
    "的 和 工作 进一步 加强 关于 开展 做好 管理 建设 服务 实施 推进 落实 根据 按照 有关 规定 要求 "
    "全县 各乡镇 单位 部门 人民政府 办公室 通知 如下 结合 实际 制定 方案 组织 领导 责任 监督 检查 "
    "安全 生产 项目 资金 财政 预算 决算 公开 政务 信息 公示 结果 名单 申请 审核 审批 办理 期间 "
    "群众 企业 农村 乡村 振兴 卫生 健康 疫情 防控 医疗 保障 就业 社会 养老 保险 住房 环境 保护 "
    "生态 交通 道路 水利 农业 粮食 补贴 发放 标准 年度 报告 总结 计划 目标 任务 措施 考核 评估 "
    "政策 法规 解读 文件 印发 意见 办法 细则 规范 制度 机制 体系 能力 水平 质量 效率 改革 发展 "
    "创新 协调 统筹 综合 专项 整治 排查 隐患 问题 整改 通报 表彰 先进 典型 宣传 培训 会议 召开 "
    "学校 学生 教师 幼儿园 资助 营养 课后 服务 考试 录取 入学 公平 均衡 优质 资源 设施 采购 中标"
).split()
# Characters of the real pages in tests/fixtures, most frequent first (none of 教育扶贫招生镕喆):
# rare words built from them give a bigram vocabulary that grows as real bureau prose does.
HAN_POOL = (
    "的国中人政务和工应业公市作行得区发部定一开信理关以所条息有法第年新等规粮不动展为及在府家食要商大者急经企项民地本时权化体产合局实办提进个各于管税资设日院建级对方事文医其件省位学全主"
    "用例重供内会制成月当单门机照营服加出按安现指下保场通据外或计他二三心自上共报面力由情称数状目推技十无同病强分责监施科专查式表确改感与居取网能利员媒入组投度总容高活住药创委好了纳知况"
    "范症处联四金任名是标额结健调交案染备广术导果县记向费正相司职包请存点支次限依价系采将期转际款并境引康持书性到申告传立城后督明授扣研检协流预括代统求平缴意布品程挥登竞五源违财构义复形"
    "号众购水退收领优运质核校效特元革置审基前节来游解态过图准造六长织央识排问治争储根使除拒绝群华举社可南页做负旅诊小深增更原题注承需反措议参厅济接格被台序整万评清丽直划落算从山决围示具"
    "护证受免港我奖属认之间美执积道付最易达起附常严融东师极批予库股律赛型完多物策障江测防室庆真见升电突手维验询册党给集回响止队假都诉役们域消届销放让环带补未获站超速户士已坚综络判九损密"
    "湾步列互精双约则罚输银军益劳续账川辖势团断励因八宣减如害段州促近担满选擅该德香镇培载助七控善贴影土浦粤切闻模京先料口握功龙究别售周答兵介值类园掌界训变副充讲险汇率至快种兴此签考聚许"
    "字西访着比两打适订署托线失试疗咨链秘侵也艺印乡帮即涉北百异必干路舆享卫令海驻修履馆符播疑激汉溪林冠普温澳均色足启战端函编秩观首余读午浙街富青车抓材配论景走热志视终演迅农简贷习租器误"
    "象良才写讼黄亚肥津头略而绕然低客天抵把址顺座贯础绍移智云再紧悉波较班张便还言话破章层族阶笔灌彻筹装每神独世官录没疾命货守释红酬画难坏币就虚思致停阳初仪察针宝嫌桂丰苏今底累待含拓拨须"
    "征边择连素离稿览非券份凭养宜渠念扬微博身硬岗风徐莲房濉季稳轻攻窗绩沟松扩尔邀警练毒何这危李另老筑错折想弘遵晓休宁押牌儿炎静女牵毕纹绣春光射奋显著零占少估油送偿且誉贡薪版买凝语威捷故"
    "说露星继允聘村贸河详友截始越肺虹杨闵龄岁望席亲纽眼摩藏课召困抢雄史固千去索焦降宾患犯欺析随洪缓些差雇刻伙债只探践努亮声鼓追湖刑跨谋蒙泉王绿白孙仅旨隔陀嘉崇血压块爱秀堂谢赴谈您妆魅甲"
    "伏枢尚某你逐船亿彰树哈滨冬恢幅铁畅衡肃删仍弱留够献庭像纪彩福延捐赠但抽样阵途循细看讨绵述挂脑紫丹叶宇楼岭磋陈朋撤奉贤酸临死亡糖似拿片米饮混贿赂妨碍舞希幼坤伟卢董气涵祝兰宿里永芝穴距"
    "唐讯刘历遇倍汽齐圳辐厚牢佳黑宏武兼击扰乱奇灾薄缺救克惯音赁偶废抗空晰呈频喜乐诚码泄私秋末捆绑板散缩短己骨古惠童岩轮派搞愈闭床脏脉尿愿淆佣荣骗迫披跳箱赔吊吸姿烈勃郅眉半久奥洲暨英岳池"
    "渝火囊拉芳敷剂陇球洛灵辞泵岚祺拦晴泛冀巩械纺几浪潮钢坛掀氛夜店键贵脱跟踪惩罪囤杂封映套拟尽熟伍哄玩忽籍潢译雕刊票豁递卖慈填朗径谨雷尖矩谁听馈拍操避盗恶禁鉴旦妥祥珠角徽驱潜裁辩早泰鸿"
    "戴宗刚琴莹暂振航碧寿爆圈衢阅梳归筛阻遗葡萄棚宅餐姓曾胁兑恩彭锐陆晋坐佛纸敬沙挖掘巨胞契扎墨马盖幕盛绘既峡迪罗旬痛韩唇匹悟石趣刮痧摆巴萨鲁尤夏芯谷耳耐辨昭灸概哥凯弦熠辉卷溉秦诺皮旧透"
    "栏什么盟尧摄壮净撑舟梯搭辆背恰逢夙寐宵衣旰姆乘厉慧闹钟宽档涨剧兆草霸掺堵震疫恐慌迟斤抑敏靠锁抬渎否翻拥偏殊盘亏毁戒僵尸睡眠纷旋垂泼俗懂辟谣澄惑忧恳杜洞冷漠伸孤岛壁垒洁绪隐冒粉丝赞借"
    "典芜蚌陕辽沈胆赋孵辅架远赢盈邯郸浮煜凡葛太厦佘它耀柴琪柜屋肝肿瘤晚慢塞梗帕森阿兹默乌麦鹿幢庇窃诈谎插卸簿邮替滥徇弊胡锦毫尾遴孩蔡淑冯剑峰荐泽诗词畏仁杯尝欢迎纲软硕擘蓝横携叠阔挚貌桥"
    "梁她奔甄蓬虎莞宸牧硒蛋鸡翰诞祖荟萃弹勋塑炼繁篆亭忘沛霖柳埠昊魏帘茸齿竹巡瑞庄沅饲曲野漫疯狂腔杰洢妍唯雏往粹缇妙舒罐棍藿艾芷酒萦斯坦堆郑氏伤妇缝埋豆暑汤脾胃泌肉仔昂旁铜砭茶阁肩颈捧仙"
    "鹤岐邵又伴杉矶欧奠坡蜀阐绎肢鸣芒绚芸铭逸菲丁禅娟勇瑶樟倒坝迈耕晶廖旱滩吃秒亩蔗晟韦鑫挑燚鹅厂尼碳莫伊败勾稽艰狠寄找尊拔覆倾斜幸淮畴觉盾汛"
)
GENRES = "通知 公告 公示 意见 办法 通报 批复 决定 方案 报告".split()
PUNCT = ["，", "，", "，", "、", "；", "。", "。", "："]
RARE_WORDS = 30_000
SPECIAL = {"教育": 0.70, "扶贫": 0.03, "招生": 0.06, "镕喆": 0.0003}
SITE_CHROME = (
    "<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title>"
    "<link rel='stylesheet' href='/css/main.css'></head><body><div class='header'>"
    "<div class='logo'>{agency}</div><ul class='nav'><li>首页</li><li>机构概况</li><li>政务公开</li>"
    "<li>政策文件</li><li>办事服务</li><li>互动交流</li></ul></div><div class='crumb'>首页 &gt; "
    "政务公开 &gt; {column}</div><table class='xxgk'><tr><th>索引号</th><td>{index_no}</td>"
    "<th>发布机构</th><td>{agency}</td></tr><tr><th>发布日期</th><td>{date}</td><th>文号</th>"
    "<td>{doc_no}</td></tr></table><h1>{title}</h1><div class='content'>{paragraphs}</div>"
    "<div class='footer'>主办单位：{agency} 地址：{county}县人民路1号 备案号：皖ICP备05000000号</div>"
    "</body></html>"
)


@dataclass
class Document:
    number: int
    site: str
    agency: str
    url: str
    title: str
    body: str
    published_at: str
    column: str
    doc_no: str | None
    index_no: str

    def html(self) -> bytes:
        paragraphs = "".join(f"<p>{p}</p>" for p in self.body.split("\n"))
        county = self.agency[:2]
        return SITE_CHROME.format(
            title=self.title, agency=self.agency, column=self.column, index_no=self.index_no,
            date=self.published_at, doc_no=self.doc_no or "", paragraphs=paragraphs, county=county,
        ).encode("utf-8")  # fmt: skip

    def extraction(self) -> dict:
        """The dict pipeline.record.document_row takes (what pipeline.extract would give)."""
        return {
            "url": self.url, "canonical_url": self.url, "site": self.site, "title": self.title,
            "body": self.body, "published_at": self.published_at, "agency": self.agency,
            "column": self.column, "doc_no": self.doc_no, "index_no": self.index_no,
            "attachments": [], "sources": {"title": "meta", "body": "container"},
        }  # fmt: skip


class Corpus:
    """Documents 1..n, the same for the same (n, seed) on every run."""

    def __init__(self, n: int, seed: int = 1) -> None:
        self.n, self.seed = n, seed
        rng = random.Random(seed)
        agencies = [c + "县" + b for c in COUNTIES for b in BUREAUS]
        rng.shuffle(agencies)
        self.agencies = agencies[: max(20, min(len(agencies), n // 350))]
        # Agency sizes ~ 1/rank^0.8: the largest holds a few percent, the smallest a few docs.
        self._agency_cum = list(
            itertools.accumulate(1 / (r + 1) ** 0.8 for r in range(len(self.agencies)))
        )
        rare = {
            "".join(rng.choice(HAN_POOL) for _ in range(rng.choice((2, 2, 3, 4))))
            for _ in range(RARE_WORDS)
        }
        self.words = COMMON_WORDS + sorted(rare)
        self._word_cum = list(
            itertools.accumulate(1 / (r + 1) ** 1.2 for r in range(len(self.words)))
        )
        self.templates = max(1, n // 100)

    @property
    def largest_agency(self) -> str:
        return self.agencies[0]

    def _sentence(self, rng: random.Random, words: int) -> str:
        chosen = rng.choices(self.words, cum_weights=self._word_cum, k=words)
        return "".join(chosen) + rng.choice(PUNCT)

    def _text(self, rng: random.Random, chars: int) -> str:
        paragraphs, size = [], 0
        while size < chars:
            paragraph = "".join(
                self._sentence(rng, rng.randint(4, 14)) for _ in range(rng.randint(2, 6))
            )
            paragraphs.append(paragraph)
            size += len(paragraph)
        return "\n".join(paragraphs)

    def _date(self, rng: random.Random) -> tuple[int, str]:
        year = 2024 - min(12, int(rng.expovariate(0.25)))
        return year, f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"

    def document(self, number: int) -> Document:
        rng = random.Random(self.seed * 1_000_003 + number)
        agency_index = bisect.bisect_left(self._agency_cum, rng.random() * self._agency_cum[-1])
        agency = self.agencies[min(agency_index, len(self.agencies) - 1)]
        site = f"bench-{min(agency_index, len(self.agencies) - 1):04d}"
        year, date = self._date(rng)
        kind = rng.random()
        if kind < 0.004:  # an annual report on last year, published early this year
            title = f"{agency}{year - 1}年政府信息公开工作年度报告"
            date = f"{year}-0{rng.randint(1, 3)}-{rng.randint(10, 28)}"
            body = self._report_body(rng, agency, year - 1)
            column = "政府信息公开年报"
        elif kind < 0.104:  # a template notice: near-duplicates of the others of its template
            template = rng.randrange(self.templates)
            body = self._template_body(template, rng, date)
            title = f"{agency}关于{self._topic(random.Random(template))}的通知"
            column = "通知公告"
        else:
            body = self._text(rng, max(80, min(12_000, int(rng.lognormvariate(6.8, 0.8)))))
            title = f"{agency}关于{self._topic(rng)}的{rng.choice(GENRES)}"
            column = rng.choice(
                ("通知公告", "政策文件", "工作动态", "财政资金", "人事信息", "政策解读")
            )
        body = self._place_special(rng, body)
        doc_no = f"{agency[:3]}〔{year}〕{rng.randint(1, 99)}号" if rng.random() < 0.3 else None
        return Document(
            number, site, agency, f"http://{site}.bench.test/zwgk/{number}.html", title, body,
            date, column, doc_no, f"0034{number:08d}-{year}-{number % 9999:04d}",
        )  # fmt: skip

    def _topic(self, rng: random.Random) -> str:
        return "".join(rng.choices(self.words[:400], k=rng.randint(2, 4)))

    def _template_body(self, template: int, rng: random.Random, date: str) -> str:
        text = self._text(random.Random(template * 7919 + self.seed), 600)
        return f"{text}\n发布时间：{date}，编号第{rng.randint(1, 999)}号。"

    def _report_body(self, rng: random.Random, agency: str, year: int) -> str:
        total = rng.randint(200, 2000)
        return (
            f"{agency}{year}年政府信息公开工作年度报告\n本报告根据《中华人民共和国政府信息公开条例》编制。"
            f"{year}年，本机关主动公开政府信息{total}条，其中政策法规{total // 10}条，"
            f"财政资金{total // 20}条。\n" + self._text(rng, 1500)
        )

    def _place_special(self, rng: random.Random, body: str) -> str:
        for word, share in SPECIAL.items():
            if rng.random() < share:
                at = rng.randrange(len(body) + 1)
                body = body[:at] + word + body[at:]
        return body

    def __iter__(self) -> Iterator[Document]:
        for number in range(1, self.n + 1):
            yield self.document(number)

    def repost_of(self, number: int) -> int | None:
        """Every 50th document is also reposted under another URL (an exact duplicate)."""
        return number if number % 50 == 0 else None
