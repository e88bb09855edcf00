"""Document-level fields (guide §1): title, type, jurisdiction, issuers, 文号,
plan period, date and source link.

Everything is read from the front matter and a few lines at the top (and the
bottom) of the body, plus one search of the body for a stated plan period;
the patterns and the table of provinces and cities are data in
rules/documents.yaml. Issuer lists are cut with the agency rules.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import regex

from . import agencies, measures
from .errors import RuleError
from .model import DocumentFields, SourceDocument
from .rules import RULES_DIR, Field, check_list, check_mapping, compile_pattern, read_yaml

NATIONAL = "全国"
_CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "○": 0, "两": 2}
_DATE = (r"(?:(?P<y>\d{4})[ \t\u3000]*年[ \t\u3000]*(?P<m>\d{1,2})[ \t\u3000]*月[ \t\u3000]*(?P<d>\d{1,2})[ \t\u3000]*日"
         r"|(?P<cy>[〇○零一二三四五六七八九]{4})年(?P<cm>[一二三四五六七八九十]{1,2})月(?P<cd>[一二三四五六七八九十]{1,3})日"
         r"|(?P<iy>\d{4})[-/.](?P<im>\d{1,2})[-/.](?P<id>\d{1,2}))")
_DATE_RE = regex.compile(_DATE)
_LIST_PUNCTUATION = regex.compile(r"[、，,；;和及与\s]")


@dataclass(frozen=True)
class Region:
    name: str          # full name: 山东省, 广州市, 北京市海淀区
    short: str         # 山东, 广州
    level: str         # provincial, municipal, district
    province: str | None   # the provincial-level unit it lies in (itself for one); 全国 for national


@dataclass(frozen=True)
class DocumentRules:
    header_lines: int
    title_max: int
    continued: regex.Pattern
    not_title: tuple[regex.Pattern, ...]
    page_chrome: regex.Pattern      # a web page's line above the title: skipped, not the end of the header
    doc_words: regex.Pattern
    period_line: regex.Pattern
    wrappers: tuple[regex.Pattern, ...]
    site_suffix: regex.Pattern
    interpretation: regex.Pattern
    before_about: regex.Pattern
    issuer_separators: regex.Pattern
    not_issuer: regex.Pattern
    joint_release: regex.Pattern
    central: regex.Pattern
    number_lines: int
    number_line: regex.Pattern
    number_labelled: regex.Pattern
    period_title: regex.Pattern
    five_year_plans: dict[str, int]
    period_text: tuple[regex.Pattern, ...]
    date_labelled: regex.Pattern
    date_line: regex.Pattern
    date_header_lines: int
    date_tail_lines: int
    annex_start: regex.Pattern              # numbering.yaml's appendix_start: the body ends before an annex
    url_labelled: regex.Pattern
    regions: dict[str, Region]              # by full and short name
    region_names: re.Pattern                # any full or short name
    district: regex.Pattern
    not_district: regex.Pattern
    min_body_mentions: int
    agencies: agencies.AgencyRules


# ---------------------------------------------------------------- loading

_P = Field(str, pattern=True)
_TOP = {"title": Field(dict), "interpretation": _P, "issuers": Field(dict), "doc_number": Field(dict),
        "period": Field(dict), "published_date": Field(dict), "source_url": Field(dict), "regions": Field(dict)}
_TITLE = {"header_lines": Field(int), "max_chars": Field(int), "continued": _P, "not_title": Field(list, items=str, pattern=True),
          "page_chrome": _P,
          "doc_words": _P, "period_line": _P, "wrappers": Field(list, items=str, pattern=True), "site_suffix": _P}
_ISSUERS = {"before_about": _P, "separators": _P, "not_issuer": _P, "joint_release": _P, "central": _P}
_NUMBER = {"header_lines": Field(int), "line": _P, "labelled": _P}
_PERIOD = {"title": _P, "five_year_plans": Field(dict), "text": Field(list, items=str, pattern=True)}
_PUBLISHED = {"labelled": _P, "date_line": Field(str), "header_lines": Field(int), "tail_lines": Field(int)}
_URL = {"labelled": _P}
_REGIONS = {"municipalities": Field(list, items=str), "district": _P, "not_district": _P,
            "provinces": Field(list), "min_body_mentions": Field(int)}
_PROVINCE = {"name": Field(str), "short": Field(str), "cities": Field(list, items=str),
             "prefectures": Field(dict, required=False)}


def load_rules(rules_dir: Path = RULES_DIR) -> DocumentRules:
    """Read and validate documents.yaml (and the agency rules it cuts issuers with, the numbering
    rules that say where an annex starts)."""
    path = Path(rules_dir) / "documents.yaml"
    top = check_mapping(read_yaml(path), _TOP, path, "documents")
    title = check_mapping(top["title"], _TITLE, path, "title")
    issuers = check_mapping(top["issuers"], _ISSUERS, path, "issuers")
    number = check_mapping(top["doc_number"], _NUMBER, path, "doc_number")
    period = check_mapping(top["period"], _PERIOD, path, "period")
    published = check_mapping(top["published_date"], _PUBLISHED, path, "published_date")
    url = check_mapping(top["source_url"], _URL, path, "source_url")
    regions = check_mapping(top["regions"], _REGIONS, path, "regions")
    table = _region_table(regions, path)
    return DocumentRules(
        header_lines=title["header_lines"],
        title_max=title["max_chars"],
        continued=regex.compile(title["continued"]),
        not_title=tuple(regex.compile(p) for p in title["not_title"]),
        page_chrome=regex.compile(title["page_chrome"]),
        doc_words=regex.compile(title["doc_words"]),
        period_line=regex.compile(title["period_line"]),
        wrappers=tuple(_wrapper(p, path, line) for p, line in zip(title["wrappers"], _item_lines(top["title"], "wrappers"))),
        site_suffix=regex.compile(title["site_suffix"]),
        interpretation=regex.compile(top["interpretation"]),
        before_about=_with_group(issuers["before_about"], "issuers", path, top["issuers"], "before_about"),
        issuer_separators=regex.compile(issuers["separators"]),
        not_issuer=regex.compile(issuers["not_issuer"]),
        joint_release=_with_group(issuers["joint_release"], "issuers", path, top["issuers"], "joint_release"),
        central=regex.compile(issuers["central"]),
        number_lines=number["header_lines"],
        number_line=_with_group(number["line"], "number", path, top["doc_number"], "line", regex.M),
        number_labelled=_with_group(number["labelled"], "number", path, top["doc_number"], "labelled"),
        period_title=_with_group(period["title"], "start", path, top["period"], "title"),
        five_year_plans=_five_year_plans(period["five_year_plans"], path),
        period_text=tuple(_period_pattern(p, path, line) for p, line in zip(period["text"], _item_lines(top["period"], "text"))),
        date_labelled=regex.compile(published["labelled"] + _DATE),
        date_line=_date_line(published["date_line"], path, top["published_date"]),
        date_header_lines=published["header_lines"],
        date_tail_lines=published["tail_lines"],
        annex_start=measures.load_rules(rules_dir).appendix_start,
        url_labelled=_with_group(url["labelled"], "url", path, top["source_url"], "labelled"),
        regions=table,
        region_names=_longest_name(table),
        district=_with_group(regions["district"], "district", path, top["regions"], "district"),
        not_district=regex.compile(regions["not_district"]),
        min_body_mentions=regions["min_body_mentions"],
        agencies=agencies.load_rules(rules_dir),
    )


def _item_lines(node, key: str) -> list[int | None]:
    return getattr(node[key], "item_lines", [None] * len(node[key]))


def _key_line(node, key: str) -> int | None:
    return getattr(node, "key_lines", {}).get(key)


def _with_group(source: str, group: str, path: Path, node, key: str, flags: int = 0) -> regex.Pattern:
    pattern = compile_pattern(source, path, _key_line(node, key), key, flags)
    if group not in pattern.groupindex:
        raise RuleError(path, _key_line(node, key), f"{key} must capture (?P<{group}>…)")
    return pattern


def _wrapper(source: str, path: Path, line: int | None) -> regex.Pattern:
    pattern = compile_pattern(source, path, line, "title.wrappers")
    if "title" not in pattern.groupindex:
        raise RuleError(path, line, "title.wrappers: each pattern must capture (?P<title>…)")
    return pattern


def _period_pattern(source: str, path: Path, line: int | None) -> regex.Pattern:
    pattern = compile_pattern(source, path, line, "period.text")
    groups = set(pattern.groupindex)
    if "start" not in groups or not groups & {"end", "years"}:
        raise RuleError(path, line, "period.text: a pattern captures `start` and `end` or `years`")
    return pattern


def _date_line(source: str, path: Path, node) -> regex.Pattern:
    line = _key_line(node, "date_line")
    if "{date}" not in source:
        raise RuleError(path, line, "date_line must hold {date} where the date stands")
    return compile_pattern(source.replace("{date}", _DATE), path, line, "date_line")


def _longest_name(names) -> re.Pattern:
    """The longest of `names` at each position, unless a district or county suffix follows
    (朝阳区 is in Beijing, not the city 朝阳). A trie of literals: `re` runs it several times
    faster than `regex` runs the flat alternation (hundreds of names, every position)."""
    trie: dict = {}
    for name in names:
        node = trie
        for char in name:
            node = node.setdefault(char, {})
        node[""] = {}
    return re.compile(_trie_pattern(trie) + "(?![区县])")


def _trie_pattern(node: dict) -> str:
    branches = [re.escape(char) + _trie_pattern(child) for char, child in sorted(node.items()) if char]
    if not branches:
        return ""
    body = "(?:" + "|".join(branches) + ")" if len(branches) > 1 or "" in node else branches[0]
    return body + "?" if "" in node else body


def _five_year_plans(node, path: Path) -> dict[str, int]:
    plans = {}
    for name, year in node.items():
        if not isinstance(year, int):
            raise RuleError(path, node.key_lines.get(name), f"five_year_plans.{name} must be a year")
        plans[name] = year
    return plans


def _region_table(regions: dict, path: Path) -> dict[str, Region]:
    municipalities = set(regions["municipalities"])

    def province(item, line):
        data = check_mapping(item, _PROVINCE, path, "province")
        if not data["name"].startswith(data["short"]):
            raise RuleError(path, line, f"short name {data['short']!r} must begin {data['name']!r}")
        prefectures = data.get("prefectures", {})
        for name, shorts in prefectures.items():
            # a short form keeps the name's first character and is shorter (恩施州, 博州, 锡盟)
            if not isinstance(shorts, list) or not all(
                    isinstance(short, str) and short[:1] == name[:1] and len(short) < len(name) for short in shorts):
                raise RuleError(path, prefectures.key_lines.get(name, line),
                                f"prefectures.{name} must list short forms that begin with {name[:1]!r}")
        return data

    table: dict[str, Region] = {}
    for data in check_list(regions["provinces"], path, "regions.provinces", province):
        region = Region(data["name"], data["short"], "provincial", data["name"])
        table[region.name] = region
        table.setdefault(region.short, region)
    for data in regions["provinces"]:
        if data["name"] in municipalities:
            continue
        for short in data["cities"]:
            city = Region(f"{short}市", short, "municipal", data["name"])
            table[city.name] = city
            table.setdefault(short, city)   # a province keeps its short name (吉林)
        prefectures = data.get("prefectures", {})
        for name, shorts in prefectures.items():
            # 自治州, 地区, 盟 are prefecture-level: municipal, like a 市
            unit = Region(name, (shorts or [name])[0], "municipal", data["name"])
            for key in (name, *shorts):
                if key in table:
                    raise RuleError(path, prefectures.key_lines.get(name), f"{key!r} already names {table[key].name}")
                table[key] = unit
    return table


# ---------------------------------------------------------------- fields

def document_fields(doc: SourceDocument, rules: DocumentRules) -> DocumentFields:
    text, meta = doc.text, doc.metadata
    # only lines at the top and the bottom are read: no need to split the whole body
    lines = _head_lines(text, max(rules.header_lines + 1, rules.number_lines, rules.date_header_lines))
    meta_title = rules.site_suffix.sub("", meta.get("title", "")).strip()
    header, issuer_lines = _header_title(lines, rules)
    raw_title = header or meta_title or (lines[0] if lines else None)
    title, issuers = _unwrap(raw_title, rules) if raw_title else (None, [])
    if title and title != raw_title:
        title = _own_heading(text, title, rules)
    issuers = issuer_lines + issuers
    interpretation = any(rules.interpretation.search(t) for t in (meta_title, header or "") if t)
    if not issuers and interpretation:
        issuers = _joint_release(text, rules)
    annex = rules.annex_start.search(text)
    tail = _tail_lines(text, rules.date_tail_lines, annex.start() if annex else len(text))
    if not issuers:
        issuers = _signature(tail, rules)
    region = _region(title, issuers, meta_title, text, rules)
    start, end = _period(title, text, rules)
    return DocumentFields(
        title=title,
        doc_type="interpretation" if interpretation else "plan",
        region=region.name if region else None,
        province=region.province if region else None,
        admin_level=region.level if region else None,
        issuers=issuers,
        doc_number=_doc_number(lines, text, rules),
        period_start=start,
        period_end=end,
        published_date=_published(meta.get("date"), lines, tail, text, rules),
        source_url=meta.get("link") or _source_url(text, rules),
    )


def _head_lines(text: str, count: int) -> list[str]:
    """The first `count` non-empty lines, stripped."""
    lines: list[str] = []
    start = 0
    while len(lines) < count and start <= len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        line = text[start:end].strip(" \t\u3000")
        if line:
            lines.append(line)
        start = end + 1
    return lines


def _tail_lines(text: str, count: int, end: int) -> list[str]:
    """The last `count` non-empty lines of text[:end], stripped, in text order."""
    lines: list[str] = []
    while len(lines) < count and end >= 0:
        start = text.rfind("\n", 0, end) + 1
        line = text[start:end].strip(" \t\u3000")
        if line:
            lines.append(line)
        end = start - 1
    return lines[::-1]


def _header_title(lines: list[str], rules: DocumentRules) -> tuple[str | None, list[str]]:
    """The title among the first lines (a period line appended, a broken-off
    first half prepended), and the issuer lines above it."""
    issuers: list[str] = []
    first_half = ""
    for i, line in enumerate(lines[:rules.header_lines]):
        if rules.page_chrome.search(line):
            continue
        if len(line) > rules.title_max or any(p.search(line) for p in rules.not_title):
            break
        if rules.doc_words.search(line):
            title, following = first_half + line, lines[i + 1] if i + 1 < len(lines) else ""
            if rules.period_line.match(following) or (
                    rules.continued.search(title) and not _wrapped(title, rules) and _wrapped(title + following, rules)):
                title += following        # `（2026—2028年）` or a notice's last line `（2026—2028年）的通知`
            return title, issuers
        if rules.continued.search(line):
            first_half = line
        else:
            issuers += _issuer_list(line, rules)
            first_half = ""
    return None, []


def _signature(tail: list[str], rules: DocumentRules) -> list[str]:
    """The bodies signing the text: the lines right above its date line that are each one body."""
    dated = [i for i, line in enumerate(tail) if rules.date_line.match(line)]
    names: list[str] = []
    for line in reversed(tail[:dated[-1]] if dated else []):
        if agencies.split_names(line, rules.agencies) != [line]:
            break
        names.append(line)
    return names[::-1]


def _wrapped(title: str, rules: DocumentRules) -> bool:
    return any(wrapper.match(title) for wrapper in rules.wrappers)


def _own_heading(text: str, title: str, rules: DocumentRules) -> str:
    """A cover notice's title names the plan without its period: the plan's own heading, a
    line of that title followed by a period line (`（2028—2030年）`), gives it."""
    at = text.find("\n" + title + "\n")
    if at < 0:
        return title
    following = text[at + len(title) + 2:text.find("\n", at + len(title) + 2)].strip(" \t\u3000")
    return title + following if rules.period_line.match(following) else title


def _unwrap(title: str, rules: DocumentRules) -> tuple[str, list[str]]:
    """The plan's own title out of a cover notice or explainer label, and the issuers before 关于."""
    issuers = []
    about = rules.before_about.match(title)
    if about:
        issuers = _issuer_list(about.group("issuers"), rules)
    for wrapper in rules.wrappers:
        match = wrapper.match(title)
        if match:
            return match.group("title").strip(" \t\u3000"), issuers
    return title, issuers


def _issuer_list(text: str, rules: DocumentRules) -> list[str]:
    """Bodies in `A B、C` if every piece is one; else none."""
    names = []
    for piece in rules.issuer_separators.split(text.strip(" \t\u3000")):
        found = agencies.split_names(piece, rules.agencies) if piece else []
        if not found or any(rules.not_issuer.match(name) for name in found) or _bare("".join(found)) != _bare(piece):
            return []
        names += found
    return names


def _bare(piece: str) -> str:
    """Text without list punctuation and conjunctions: names cover a piece when these agree."""
    return _LIST_PUNCTUATION.sub("", piece)


def _joint_release(text: str, rules: DocumentRules) -> list[str]:
    match = rules.joint_release.search(text)
    return agencies.split_names(match.group("issuers"), rules.agencies) if match else []


def _region(title: str | None, issuers: list[str], meta_title: str, text: str,
            rules: DocumentRules) -> Region | None:
    """Issuers first (they are the jurisdiction), then the titles, then the body."""
    for issuer in issuers:
        region = _region_in(issuer, rules)
        if region:
            return region
    if issuers and rules.central.search(issuers[0]):
        return Region(NATIONAL, NATIONAL, "national", NATIONAL)
    for candidate in (title, meta_title):
        region = _region_in(candidate, rules) if candidate else None
        if region:
            return region
    counts = Counter(rules.regions[m.group()].name for m in rules.region_names.finditer(text))
    if counts:
        name, count = counts.most_common(1)[0]
        if count >= rules.min_body_mentions:
            return rules.regions[name]
    return None


def _region_in(text: str, rules: DocumentRules) -> Region | None:
    """A district at the start, else the most specific province or city named."""
    found = [rules.regions[m.group()] for m in rules.region_names.finditer(text)]
    district = rules.district.match(text)
    if district and not rules.not_district.search(district.group("district")):
        city = district.group("city")
        if not city or city in rules.regions:
            province = rules.regions[city].province if city else (found[0].province if found else None)
            return Region((city or "") + district.group("district"), district.group("district"), "district", province)
    cities = [r for r in found if r.level == "municipal"]
    return (cities or found or [None])[0]


def _period(title: str | None, text: str, rules: DocumentRules) -> tuple[int | None, int | None]:
    if title:
        match = rules.period_title.search(title)
        if match:
            return int(match.group("start")), int(match.group("end") or match.group("start"))
        for name, first in rules.five_year_plans.items():
            if name in title:
                return first, first + 4
    for pattern in rules.period_text:
        match = pattern.search(text)
        if match:
            start = int(match.group("start"))
            if "end" in pattern.groupindex and match.group("end"):
                return start, int(match.group("end"))
            month = match.group("month") if "month" in pattern.groupindex else None
            into_next = bool(month) and int(month) > 1
            return start, start + _number(match.group("years")) - 1 + into_next
    return None, None


def _doc_number(lines: list[str], text: str, rules: DocumentRules) -> str | None:
    for line in lines[:rules.number_lines]:
        match = rules.number_line.match(line)
        if match:
            return match.group("number").replace(" ", "").replace("\u3000", "")
    match = rules.number_labelled.search(text)
    return match.group("number") if match else None


def _published(meta_date: str | None, head: list[str], tail: list[str], text: str,
               rules: DocumentRules) -> str | None:
    candidates = [meta_date] if meta_date else []
    labelled = rules.date_labelled.search(text)
    if labelled:
        candidates.append(labelled.group())
    candidates += [line for line in head[:rules.date_header_lines] + tail if rules.date_line.match(line)]
    for candidate in candidates:
        date = _iso(candidate)
        if date:
            return date
    return None


def _iso(text: str) -> str | None:
    """The first date in `text` as yyyy-mm-dd, or None if there is no valid one."""
    match = _DATE_RE.search(text)
    if not match:
        return None
    if match.group("y"):
        y, m, d = (int(match.group(g)) for g in ("y", "m", "d"))
    elif match.group("cy"):
        y = int("".join(str(_CN_DIGITS[c]) for c in match.group("cy")))
        m, d = _number(match.group("cm")), _number(match.group("cd"))
    else:
        y, m, d = (int(match.group(g)) for g in ("iy", "im", "id"))
    if not (1 <= m <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{m:02d}-{d:02d}"


def _number(numeral: str) -> int:
    """1–99 written in digits or Chinese numerals (`5`, `五`, `十二`, `二十三`)."""
    if numeral.isdigit():
        return int(numeral)
    if "十" not in numeral:
        return _CN_DIGITS[numeral]
    tens, _, units = numeral.rpartition("十")
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[units] if units else 0)


def _source_url(text: str, rules: DocumentRules) -> str | None:
    match = rules.url_labelled.search(text)
    return match.group("url") if match else None
