"""Build a synthetic corpus of policy plans for the benchmark.

Documents are recombined from the real texts in `raw/` and the shared dev set:
paragraphs of measures from different plans under a freshly numbered
structure, with the region (province, city, district), the agencies
(省X厅 → 市X局 → 区X局 → ministries), the domain, the numbers and the years
rewritten per document, and the numbering style drawn per document
(一、/（一）/1. ; 1、 ; （1） ; 第X章/第X节 ; full-width digits ; markdown
headings with front matter). Document i depends only on (seed, i), so the
N=1,000 corpus is the first thousand files of the N=10,000 one.

    .venv/bin/python -m bench.make_corpus --n 1000 --out bench/corpus/N1000
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from pipeline.normalize import normalize

PROJECT = Path(__file__).resolve().parent.parent
SOURCES = (PROJECT / "raw", Path("/work/shared/dev"))
MEAN_CHARS = 5000

# (full name, short name, doc-number prefix, cities or districts, kind)
REGIONS = [
    ("山东省", "山东", "鲁", ["济南", "青岛", "烟台", "潍坊", "临沂"], "province"),
    ("江苏省", "江苏", "苏", ["南京", "苏州", "无锡", "常州", "南通"], "province"),
    ("浙江省", "浙江", "浙", ["杭州", "宁波", "温州", "绍兴", "嘉兴"], "province"),
    ("广东省", "广东", "粤", ["广州", "深圳", "珠海", "佛山", "东莞"], "province"),
    ("湖北省", "湖北", "鄂", ["武汉", "宜昌", "襄阳", "荆门"], "province"),
    ("湖南省", "湖南", "湘", ["长沙", "株洲", "湘潭", "岳阳"], "province"),
    ("河南省", "河南", "豫", ["郑州", "洛阳", "新乡", "南阳"], "province"),
    ("四川省", "四川", "川", ["成都", "绵阳", "德阳", "宜宾"], "province"),
    ("安徽省", "安徽", "皖", ["合肥", "芜湖", "蚌埠", "马鞍山"], "province"),
    ("福建省", "福建", "闽", ["福州", "厦门", "泉州", "漳州"], "province"),
    ("陕西省", "陕西", "陕", ["西安", "宝鸡", "咸阳", "榆林"], "province"),
    ("辽宁省", "辽宁", "辽", ["沈阳", "大连", "鞍山", "营口"], "province"),
    ("河北省", "河北", "冀", ["石家庄", "唐山", "保定", "廊坊"], "province"),
    ("江西省", "江西", "赣", ["南昌", "赣州", "九江", "上饶"], "province"),
    ("云南省", "云南", "云", ["昆明", "曲靖", "玉溪", "大理"], "province"),
    ("广西壮族自治区", "广西", "桂", ["南宁", "柳州", "桂林", "北海"], "province"),
    ("北京市", "北京", "京", ["海淀", "朝阳", "昌平", "大兴"], "municipality"),
    ("上海市", "上海", "沪", ["浦东新区", "闵行", "嘉定", "松江"], "municipality"),
    ("天津市", "天津", "津", ["滨海新区", "西青", "东丽", "武清"], "municipality"),
    ("重庆市", "重庆", "渝", ["两江新区", "渝北", "九龙坡", "沙坪坝"], "municipality"),
]

# Agency stems and their name at each administrative level: national, provincial, municipal, district.
AGENCIES = [
    ("国家发展改革委", "省发展改革委", "市发展改革委", "区发展改革委"),
    ("科技部", "省科技厅", "市科技局", "区科技局"),
    ("工业和信息化部", "省工业和信息化厅", "市工业和信息化局", "区工业和信息化局"),
    ("教育部", "省教育厅", "市教育局", "区教育局"),
    ("财政部", "省财政厅", "市财政局", "区财政局"),
    ("人力资源社会保障部", "省人力资源社会保障厅", "市人力资源社会保障局", "区人力资源社会保障局"),
    ("国家卫生健康委", "省卫生健康委", "市卫生健康委", "区卫生健康委"),
    ("商务部", "省商务厅", "市商务局", "区商务局"),
    ("市场监管总局", "省市场监管局", "市市场监管局", "区市场监管局"),
    ("国家药监局", "省药监局", "市药监局", "区药监分局"),
    ("自然资源部", "省自然资源厅", "市规划和自然资源局", "区规划和自然资源分局"),
    ("生态环境部", "省生态环境厅", "市生态环境局", "区生态环境分局"),
    ("住房城乡建设部", "省住房城乡建设厅", "市住房城乡建设局", "区住房城乡建设委"),
    ("交通运输部", "省交通运输厅", "市交通运输局", "区交通运输局"),
    ("农业农村部", "省农业农村厅", "市农业农村局", "区农业农村局"),
    ("民政部", "省民政厅", "市民政局", "区民政局"),
    ("税务总局", "省税务局", "市税务局", "区税务局"),
    ("中央金融办", "省委金融办", "市委金融办", "区金融办"),
    ("国务院国资委", "省国资委", "市国资委", "区国资委"),
    ("国家知识产权局", "省知识产权局", "市知识产权局", "区知识产权局"),
    ("国家数据局", "省数据局", "市数据局", "区数据局"),
    ("中国科学院", "省科学院", "市科协", "区科协"),
]
LEVELS = ("national", "provincial", "municipal", "district")
# Agencies as the source texts write them (any level, plus a few municipal forms) → stem index.
_SOURCE_FORMS = {name: i for i, row in enumerate(AGENCIES) for name in row}
_SOURCE_FORMS.update({"市科委": 1, "市经济信息化委": 2, "市经济和信息化局": 2, "市经信委": 2,
                      "省工信厅": 2, "省人社厅": 5, "市人社局": 5, "省卫健委": 6, "工信部": 2})
_AGENCY_RE = re.compile("|".join(sorted(map(re.escape, _SOURCE_FORMS), key=len, reverse=True)))
COLLECTIVE = {"national": ["各省级人民政府", "有关部门"], "provincial": ["各市人民政府", "省有关部门"],
              "municipal": ["各区人民政府", "市有关部门"], "district": ["各街道办事处", "区有关部门"]}

DOMAINS = ["脑机接口", "人工智能", "生物医药", "新能源汽车", "低空经济", "数字经济", "集成电路", "氢能",
           "商业航天", "智能网联汽车", "工业互联网", "养老服务", "海洋经济", "绿色低碳", "人形机器人"]
DOC_TYPES = ["行动方案", "行动计划", "实施方案", "实施意见", "若干措施", "三年行动计划"]
TOP_SECTIONS = ["总体要求", "指导思想", "基本原则", "发展目标", "主要目标", "总体目标"]
TASK_SECTIONS = ["重点任务", "主要任务", "重点工作", "主要举措", "重点方向"]
SUPPORT_SECTIONS = ["保障措施", "组织实施", "政策支持", "支持措施"]
SECTION_SUFFIX = ["", "", "", "。"]

CN_DIGITS = "零一二三四五六七八九"
FULL_WIDTH = str.maketrans("0123456789.", "０１２３４５６７８９．")

_LABEL = re.compile(r"^[\s#*　]*(第[一二三四五六七八九十百]+[章节条]|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]"
                    r"|[（(][0-9０-９]+[）)]|[0-9０-９]+[.．、](?!\d))\s*")
_ANNOTATION = re.compile(r"（[^（）]*(?:牵头|责任|配合|负责|参与)[^（）]*）\s*[。；]?\s*$")
_PROVINCE_NAMES = re.compile("|".join(sorted({n for r in REGIONS for n in (r[0], r[1])}, key=len, reverse=True)))
_CITY_NAMES = re.compile("|".join(sorted({c for r in REGIONS for c in r[3]} | {"临港"}, key=len, reverse=True))
                         + r"(?:市|区)?")
_YEAR = re.compile(r"(?<!\d)(19[5-9]\d|20[0-4]\d)(?=\s*[年—\-－～~至到])")
_NUMBER = re.compile(r"(?<![\d.])(\d+)(\.\d+)?(?![\d])")


@dataclass
class Pool:
    """Building blocks cut from the real texts."""

    items: list[str]       # measure paragraphs without their label or annotation
    headings: list[str]    # short heading phrases
    prose: list[str]       # unnumbered paragraphs
    goals: list[str]       # paragraphs that set targets for a year (到20XX年)


def _cut(text: str, limit: int) -> str:
    """A long paragraph cut at the last sentence end before `limit`."""
    if len(text) <= limit:
        return text
    end = text.rfind("。", 0, limit)
    return text[:end + 1] if end > 40 else text[:limit] + "。"


def build_pool(sources: tuple[Path, ...] = SOURCES) -> Pool:
    pool = Pool([], [], [], [])
    for directory in sources:
        for path in sorted(directory.glob("*.txt")):
            _, body = normalize(path.read_text(encoding="utf-8"))
            for line in body.splitlines():
                line = line.strip().replace("\u3000", "")
                if len(line) < 8 or "《行动计划》" in line or "专栏" in line:
                    continue
                label = _LABEL.match(line)
                rest = line[label.end():] if label else line
                rest = _ANNOTATION.sub("", rest).rstrip()
                if label and len(rest) <= 30 and "。" not in rest[:-1] and not rest.endswith("？"):
                    pool.headings.append(rest.rstrip("。；："))
                elif label and len(rest) >= 40:
                    pool.items.append(_cut(rest, 600))
                elif not label and len(rest) >= 60:
                    (pool.goals if re.search(r"到20\d\d年", rest) else pool.prose).append(_cut(rest, 500))
    if not pool.items:
        raise SystemExit(f"no source texts found in {', '.join(map(str, sources))}")
    return pool


def cn_number(n: int) -> str:
    """1..99 in Chinese numerals, as plan labels write them (十一, 二十)."""
    tens, ones = divmod(n, 10)
    return (("" if tens == 1 else CN_DIGITS[tens]) + "十" if tens else "") + (CN_DIGITS[ones] if ones else "")


@dataclass
class Style:
    """How one document numbers its structure and annotates its measures."""

    chapters: bool         # 第X章 / 第X节 above the sections
    item: str              # "dot", "comma", "paren", "none" (groups are the leaves)
    continuous: bool       # item numbers run across groups
    full_width: bool       # ＡＢＣ digits in labels (and sometimes the body)
    markdown: bool         # front matter and ### headings, as the scraped raw files have
    annotate: float        # share of measures with a responsibility annotation
    annotation_styles: tuple[int, ...]
    enumerations: float    # share of items rewritten as 一是…二是…


class DocumentWriter:
    def __init__(self, pool: Pool, rng: random.Random):
        self.pool, self.rng = pool, rng
        region = rng.choice(REGIONS)
        self.province, self.short, self.prefix, self.places, kind = region
        self.level = rng.choices(["national", "provincial", "municipal", "district"], [1, 6, 4, 1])[0]
        if kind == "municipality" and self.level == "municipal":
            self.level = "provincial"   # a municipality's own bureaus are written 市X局 below
        self.city = rng.choice(self.places)
        self.district = (self.city if kind == "municipality" and self.city.endswith("区")
                         else self.city + "区" if kind == "municipality"
                         else self.city + "市" + rng.choice(["高新区", "经济技术开发区", "新区"]))
        self.domain = rng.choice(DOMAINS)
        self.start = rng.randint(2016, 2027)
        self.end = self.start + rng.choice([2, 2, 3, 4, 5])
        self.style = Style(
            chapters=rng.random() < 0.12,
            item=rng.choices(["dot", "comma", "paren", "none"], [6, 2, 1, 2])[0],
            continuous=rng.random() < 0.6,
            full_width=rng.random() < 0.12,
            markdown=rng.random() < 0.3,
            annotate=rng.choice([0.0, 0.5, 0.8, 0.95]),
            annotation_styles=tuple(rng.sample(range(9), 2)),
            enumerations=rng.choice([0.0, 0.05, 0.15]),
        )
        self.agency_level = LEVELS.index(self.level) if kind == "province" or self.level != "provincial" else 2

    # --- names ---------------------------------------------------------
    @property
    def region_name(self) -> str:
        if self.level == "national":
            return ""
        if self.level == "provincial":
            return self.province
        if self.level == "municipal":
            return self.city + "市"
        return (self.province if self.province.endswith("市") else "") + self.district

    def agency(self, stem: int) -> str:
        return AGENCIES[stem][self.agency_level]

    def rewrite(self, text: str) -> str:
        """Put a source paragraph into this document's region, level, domain, numbers and years."""
        rng = self.rng
        text = _AGENCY_RE.sub(lambda m: self.agency(_SOURCE_FORMS[m.group()]), text)
        text = _PROVINCE_NAMES.sub(lambda m: self.province if len(m.group()) > 2 else self.short, text)
        text = _CITY_NAMES.sub(lambda m: rng.choice(self.places), text)
        if self.level != "provincial":
            text = text.replace("全省", "全市" if self.level != "national" else "全国").replace("省级", "市级")
        text = text.replace("脑机接口", self.domain)
        years = [int(y) for y in _YEAR.findall(text)]
        if years:   # the paragraph's last year lands inside this plan's period
            shift = rng.randint(self.start, self.end) - max(years)
            text = _YEAR.sub(lambda m: str(int(m.group()) + shift), text)
        factor = rng.choice([0.5, 0.8, 1.0, 1.5, 2.0, 3.0])   # one factor per paragraph keeps ranges in order
        text = _NUMBER.sub(lambda m: self._vary_number(m, factor), text)
        if self.style.full_width and rng.random() < 0.3:
            text = text.translate(FULL_WIDTH)
        return text

    @staticmethod
    def _vary_number(match: re.Match, factor: float) -> str:
        if 1950 <= int(match.group(1)) <= 2049 or match.string[match.end():match.end() + 1] in "月日号":
            return match.group()   # years (shifted already), months and days stay as they are
        if match.group(2):
            decimals = len(match.group(2)) - 1
            return f"{float(match.group()) * factor:.{decimals}f}"
        return str(max(1, round(int(match.group(1)) * factor)))

    def annotation(self) -> str:
        rng, level = self.rng, LEVELS[self.agency_level]
        names = [self.agency(i) for i in rng.sample(range(len(AGENCIES)), rng.randint(1, 5))]
        if rng.random() < 0.15:
            names.append(rng.choice(COLLECTIVE[level]))
        lead, rest = names[0], names[1:] or [rng.choice(COLLECTIVE[level])]
        style = rng.choice(self.style.annotation_styles)
        return [
            lambda: f"（牵头单位：{'、'.join(names)}）",
            lambda: f"（牵头单位：{lead}，责任单位：{'、'.join(rest)}）",
            lambda: f"（牵头单位：{lead}；配合单位：{'、'.join(rest)}）",
            lambda: f"（{'、'.join(names)}按职责分工负责）",
            lambda: f"（责任单位：{'、'.join(names)}）",
            lambda: f"（{lead}牵头，{'、'.join(rest)}配合）",
            lambda: f"（{lead}牵头，{'、'.join(rest)}参与）",
            lambda: f"（{lead}会同有关部门负责）",
            lambda: f"（牵头部门：{lead}；责任部门：{'、'.join(rest)}）",
        ][style]()

    # --- structure -----------------------------------------------------
    def item_label(self, n: int) -> str:
        digits = str(n).translate(FULL_WIDTH) if self.style.full_width else str(n)
        return {"dot": f"{digits}{'．' if self.style.full_width else '.'}", "comma": f"{digits}、",
                "paren": f"（{digits}）"}[self.style.item]

    def item(self, label: str) -> str:
        body = self.rewrite(self.rng.choice(self.pool.items))
        if self.rng.random() < self.style.enumerations:
            clauses = [c for c in re.split(r"[。；]", body) if c][:5]
            body = clauses[0] + "。" + "；".join(f"{cn_number(i)}是{c}" for i, c in enumerate(clauses[1:], 1)) + "。"
        if self.rng.random() < self.style.annotate:
            # the annotation stands after the final 。 or replaces it
            body = body + self.annotation() if self.rng.random() < 0.5 else body.removesuffix("。") + self.annotation() + "。"
        return label + body

    def heading(self, label: str, title: str) -> str:
        line = f"{label}{title}"
        return f"### {line}" if self.style.markdown and not label.startswith("（") else line

    def title(self) -> str:
        doc_type = self.rng.choice(DOC_TYPES)
        name = self.rng.choice([f"{self.region_name}{self.domain}产业创新发展{doc_type}",
                                f"{self.region_name}关于加快推动{self.domain}高质量发展的{doc_type}",
                                f"{self.region_name}促进{self.domain}产业发展{doc_type}"])
        if doc_type not in ("实施意见", "若干措施") and self.rng.random() < 0.7:
            dash = self.rng.choice(["—", "-", "－"])
            name += f"（{self.start}{dash}{self.end}年）"
        return name

    def header(self, title: str) -> list[str]:
        rng = self.rng
        month, day = rng.randint(1, 12), rng.randint(1, 28)
        issued = f"{self.start - 1 if rng.random() < 0.3 else self.start}年{month}月{day}日"
        prefix = "国办发" if self.level == "national" else f"{self.prefix}{'政办发' if rng.random() < 0.5 else '科发'}"
        number = f"{prefix}〔{self.start}〕{rng.randint(1, 120)}号"
        lines = []
        if self.style.markdown:
            lines += ["---", f"title: {title}", "categories:", "  - 政策",
                      f"date: {self.start}-{month:02d}-{day:02d} 10:{rng.randint(10, 59)}:00", "---", "",
                      f"**<div align='center'>{title}</div>**", "", "<!--more-->", ""]
        else:
            lines += [title, "", number, ""]
        lines += [self.rewrite(rng.choice(self.pool.prose)), ""]
        if not self.style.markdown and rng.random() < 0.5:
            lines[-1:-1] = [issued]
        return lines

    def document(self, target_chars: int) -> str:
        rng, style = self.rng, self.style
        title = self.title()
        lines = self.header(title)
        section = 0
        chapter_label = lambda n: f"第{cn_number(n)}章　" if style.chapters else ""  # noqa: E731

        def section_line(name: str) -> str:
            nonlocal section
            section += 1
            if style.chapters:
                return self.heading(chapter_label(section), name)
            return self.heading(f"{cn_number(section)}、", name + rng.choice(SECTION_SUFFIX))

        lines += [section_line(rng.choice(TOP_SECTIONS))]
        lines += [self.rewrite(rng.choice(self.pool.prose))]
        goals = [self.rewrite(g) for g in rng.sample(self.pool.goals, min(2, len(self.pool.goals)))]
        lines += goals + [""]

        item_no = 0
        support = rng.choice(SUPPORT_SECTIONS)
        while sum(map(len, lines)) + len(lines) < target_chars * 0.95:
            lines.append(section_line(rng.choice(TASK_SECTIONS) if section == 1 else
                                      self.rewrite(rng.choice(self.pool.headings))))
            for group in range(1, rng.randint(2, 5)):
                group_label = f"第{cn_number(group)}节　" if style.chapters else f"（{cn_number(group)}）"
                if style.item == "none":
                    item_no += 1
                    lines.append(self.item(f"（{cn_number(item_no)}）"))
                    continue
                lines.append(self.heading(group_label, self.rewrite(rng.choice(self.pool.headings))))
                if not style.continuous:
                    item_no = 0
                for _ in range(rng.randint(1, 4)):
                    item_no += 1
                    lines.append(self.item(self.item_label(item_no)))
                if rng.random() < 0.05:
                    lines += [f"专栏{group}　{self.domain}重点工程",
                              "；".join(self.rewrite(rng.choice(self.pool.headings)) for _ in range(3)) + "。"]
                if sum(map(len, lines)) > target_chars * 0.95:
                    break
            lines.append("")

        lines.append(section_line(support))
        for n in range(1, rng.randint(2, 4)):
            label = f"（{cn_number(n)}）"
            lines.append(label + self.rewrite(_cut(rng.choice(self.pool.items), 250)))
        return "\n".join(lines) + "\n"


def write_corpus(n: int, out: Path, seed: int = 0, mean_chars: int = MEAN_CHARS) -> list[Path]:
    """Write documents 0..n-1 into `out` (kept if already there and complete)."""
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / f"doc{i:05d}.txt" for i in range(n)]
    marker = out / f".complete-seed{seed}-mean{mean_chars}"
    if marker.exists() and all(p.exists() for p in paths):
        return paths
    pool = build_pool()
    for i, path in enumerate(paths):
        rng = random.Random(f"{seed}:{i}")
        target = int(min(max(rng.gauss(mean_chars, mean_chars * 0.35), mean_chars * 0.3), mean_chars * 2.5))
        path.write_text(DocumentWriter(pool, rng).document(target), encoding="utf-8")
    marker.touch()
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="number of documents (default 1000)")
    parser.add_argument("--out", type=Path, help="output directory (default bench/corpus/N<n>)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--mean-chars", type=int, default=MEAN_CHARS, help="mean document length (default 5000)")
    args = parser.parse_args(argv)
    out = args.out or PROJECT / "bench" / "corpus" / f"N{args.n}"
    paths = write_corpus(args.n, out, args.seed, args.mean_chars)
    chars = sum(len(p.read_text(encoding="utf-8")) for p in paths)
    print(f"{len(paths)} documents, {chars:,} characters ({chars / len(paths):,.0f} per document) in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
