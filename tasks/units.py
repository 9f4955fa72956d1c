"""Units (责任单位) as published task lists name them, and the organizations those names mean.

docs/task-import.md lists the rules with the published sentences they come from; in short:

- a unit text is labelled ("牵头单位：A；责任单位：B") or a phrase ("A牵头，B、C等配合",
  "A、B按职责分工负责", "A会同B负责"); without a lead/partner split every unit is responsible:
  the first leads, the others co-lead (the importer says so as a warning);
- units are listed with 、，；, 和/及 between complete names, and a list writes its prefix once:
  "省发展改革委、交通运输厅" is 省发展改革委 and 省交通运输厅;
- one phrase may name several bodies: "广州、深圳、珠海出入境边防检查总站" is three of them,
  "市委、市政府督查室" two;
- a name may carry a bracket of its own, "省委网信办（省大数据局）": either name matches;
- "下同" carries the units to the following tasks that name none, and "以下任务均需A落实，不再一一
  列出" adds A to every following task's partners;
- collective phrases (各区政府, 市直有关部门) are no single organization and are kept as text.

``OrgMatcher`` reads a name as people write it: exact, then the organization's aliases and the
usual abbreviations (市大数据局 for 市政务服务和数据管理局, 市发改委, 人社局 …) with the region's
prefix written as 省/市/区/县 or left out, then close matches offered for confirmation.
"""

import difflib
import re
from dataclasses import dataclass, field

from portfolio.models import Organization

OPEN, CLOSE = "（(【[〔", "）)】]〕"
# Words that end an organization's name: what makes "珠海出入境边防检查总站" complete and "广州" not.
ORG_SUFFIX = re.compile(
    r"(?:局|委|办|厅|部|院|会|中心|站|室|处|所|队|司|行|公司|集团|政府|管委|署|馆|社|团|联|协会|银行|分行|海关|"
    r"法院|检察院|大学|学校|基地|部门|单位|机构|企业|办事处|街道|乡镇|总局|支队|分局|支局|委员会|办公室|"
    r"联合会|工会|妇联|团委|科协|侨联|残联|总工会|党校|研究院|研究中心|平台|运营商|医院|电台|电视台)$"
)
PERSON = re.compile(r"[\u4e00-\u9fff]{2,4}[、，,；;]?")  # with no ORG_SUFFIX: "伍泽国", not "市财政局"
# Prefixes a list writes once: the first unit's is carried to the units after it that have none.
LEVEL_PREFIX = re.compile(r"^(?:两[市区县](?=[省市区县]|[\u4e00-\u9fff]{2})|(?:省|市|区|县)委(?!员会)|省|市|区|县)")
OWN_PLACE = re.compile(
    r"^(?:各|有关|相关|全|中国|中共|中央|国家|国务院|驻|[\u4e00-\u9fff]{1,5}(?:省|市|区|县|州|盟|旗))"
)
PREFIXABLE_END = re.compile(r"(?:厅|局|委|办|委员会|办公室)$")
HEAD_OF = re.compile(r"^(?:省|市|区|县)(?:委|政府)")
# Phrases naming a group of bodies (kept as text, never matched).
COLLECTIVE = [
    re.compile(p)
    for p in (
        r"[省市区县]直(?:各)?(?:有关|相关|各)?(?:部门|单位)(?:[、和及](?:有关|相关)?单位)?",
        r"各县[（(]市、?区[)）](?:人民)?政府",
        r"各县[（(]市[)）]区(?:人民)?政府",
        r"各区[（(]县、?市[)）](?:人民)?政府",
        r"各(?:地级以上市|设区市|地市|市|区县|县区|区市|县市|市区|区|县|市县|市州|州市)(?:[（(]市[)）])?(?:人民)?政府",
        # "各市、州、县人民政府", "各市州、县市区人民政府": one phrase for the governments of
        # several levels, the level words listed before a single 人民政府.
        r"各[市州县区盟旗]{1,3}(?:[、和及][市州县区盟旗]{1,3})+(?:人民)?政府",
        r"各(?:有关|相关)?(?:部门|单位)(?:[、和及](?:部门|单位))?",
        r"(?:[省市区县]|[省市区县]直|[省市区县]政府)?(?:其他|各)?(?:有关|相关)(?:部门|单位)(?:[、和及](?:部门|单位))?",
        r"各(?:街道|乡镇|镇街|镇|开发区|园区|功能区)(?:办事处|人民政府|管委会?)?",
    )
]
GENERIC_UNIT = re.compile(
    r"^(?:各|有关|相关)|^(?:开发区|园区|功能区|街道|乡镇|镇街)(?:管委会?|政府|办事处)?$|^(?:部门|单位)$|等$"
)
LEAD_LABELS = ("牵头单位", "牵头部门", "牵头责任单位", "牵头")
RESPONSIBLE_LABELS = ("责任单位", "责任部门", "责任主体", "承办单位", "主责单位", "负责单位")
PARTNER_LABELS = (
    "相关责任单位",
    "其他责任单位",
    "协同责任单位",
    "配合责任单位",
    "配合单位",
    "配合部门",
    "参与单位",
    "协办单位",
    "协同单位",
    "协作单位",
)
LABEL = re.compile(
    rf"({'|'.join(sorted(LEAD_LABELS + RESPONSIBLE_LABELS + PARTNER_LABELS, key=len, reverse=True))})\s*[:：]",
)
# Tails that say how the units work, not who they are.
DUTY_TAIL = re.compile(
    r"(?:等)?(?:按照?职责分工|按职能|按各自职责|分工|分别|共同|依职责)?(?:负责|落实|推进|实施|配合|参与|协办|办理)?$"
)
# "各市州、县市区人民政府均为责任单位，以下不再列出": responsible here and in every task after.
ALL_RESPONSIBLE = re.compile(
    r"[，,；;。]?\s*([^，,；;。]+?)均为(?:责任|配合|参与)?(?:单位|部门)[，,]?以下(?:各项)?(?:任务|工作)?(?:均)?(?:不再|不)(?:一一)?列出[。]?"
)
CARRY_DOWN = re.compile(r"[，,；;。]?\s*(?:下同|以下同|后同)\s*$")
EVERY_FOLLOWING = re.compile(
    r"[，,；;。]?\s*以下(?:各项)?(?:任务|工作)?均(?:需|由)(.+?)(?:负责)?落实[，,]?(?:不再|不)(?:一一)?列出[。]?"
)
SPLIT = re.compile(r"[、，,；;\n\r/／\s]+")
JOINER = re.compile(r"(?<=[局委办厅部门位府会心站室所队院行关\x00])(?:和|及|以及|与)(?=[\u4e00-\u9fff]{2})")


@dataclass
class UnitText:
    """What one bracket or cell says about units, names still as written (prefixes restored)."""

    leads: list = field(default_factory=list)
    partners: list = field(default_factory=list)
    responsible_only: bool = False  # no lead/partner split: the first leads, the others co-lead
    carry_down: bool = False  # "下同"
    every_following: list = field(default_factory=list)  # "以下任务均需…落实，不再一一列出"

    @property
    def empty(self) -> bool:
        return not (self.leads or self.partners or self.every_following)


def normalize(text: str) -> str:
    text = (text or "").replace("（", "(").replace("）", ")").replace("\u3000", " ")
    return re.sub(r"\s+", "", text)


def _clean(text: str) -> str:
    """Whitespace out, line breaks as list separators; brackets stay as written. A person's name
    written after a unit ("市民政局 伍泽国" under 牵头单位及主要负责人) is no unit and is dropped."""
    text = re.sub(r"[\r\n]+", "、", (text or "").strip())
    tokens = re.split(r"[\s\u3000]+", text)
    kept = [
        token
        for n, token in enumerate(tokens)
        if not (
            n
            and PERSON.fullmatch(token)
            and not ORG_SUFFIX.search(token.rstrip("、，,；;"))
            and ORG_SUFFIX.search(tokens[n - 1].rstrip("、，,；;"))
        )
    ]
    return "".join(kept)


def top_level_brackets(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, inner)`` of each outermost bracket; brackets may nest: "（省委网信办（省大数据局）牵头）"."""
    found, depth, start = [], 0, 0
    for i, char in enumerate(text):
        if char in OPEN:
            if depth == 0:
                start = i
            depth += 1
        elif char in CLOSE and depth:
            depth -= 1
            if depth == 0:
                found.append((start, i + 1, text[start + 1 : i]))
    return found


def _split_top(text: str, separators: re.Pattern) -> list[str]:
    """Split on ``separators`` outside brackets ("省委网信办（省大数据局）" stays whole)."""
    parts, last = [], 0
    for match in separators.finditer(text):
        if _depth_at(text, match.start()) == 0:
            parts.append(text[last : match.start()])
            last = match.end()
    parts.append(text[last:])
    return [p for p in parts if p.strip()]


def _depth_at(text: str, index: int) -> int:
    depth = 0
    for char in text[:index]:
        if char in OPEN:
            depth += 1
        elif char in CLOSE and depth:
            depth -= 1
    return depth


def _protect_collectives(text: str) -> tuple[str, list[str]]:
    kept = []

    def protect(match):
        kept.append(match.group(0))
        return f"\x00{len(kept) - 1}\x00"

    for pattern in COLLECTIVE:
        text = pattern.sub(protect, text)
    return text, kept


def _restore(text: str, kept: list[str]) -> str:
    return re.sub("\x00(\\d+)\x00", lambda m: kept[int(m.group(1))], text)


def is_collective(name: str) -> bool:
    plain = normalize(name)
    return bool(GENERIC_UNIT.search(plain)) or any(p.fullmatch(plain) for p in COLLECTIVE) or "有关" in plain


def looks_like_unit(name: str) -> bool:
    """A name that could be an organization or a group of them (not "企业", not "示范项目")."""
    plain = normalize(name)
    plain = re.sub(r"\(.*\)$", "", plain)
    if not plain or len(plain) < 2:
        return False
    if is_collective(plain):
        return True
    return bool(ORG_SUFFIX.search(plain)) and len(plain) >= 3 and bool(re.match(r"[省市区县]|[\u4e00-\u9fff]", plain))


def split_names(text: str) -> list[str]:
    """The units of one list, each a complete name: prefixes restored, shared heads distributed."""
    text = _clean(text).strip("：:。.、，,；; ")
    text = DUTY_TAIL.sub("", text)
    # "A、B等省有关部门": A, B and the group ("and the other relevant departments").
    text = re.sub(r"等(?=(?:[省市区县]直?)?(?:其他|各)?(?:有关|相关|部门$|单位$))", "、", text)
    text = re.sub(r"(?:和|及|以及)(?=(?:其他|各|有关|相关))", "、", text)
    # Collective phrases first, so that "各有关部门和单位" stays one phrase, not split at its 和.
    text, kept = _protect_collectives(text)
    text = JOINER.sub("、", text)
    names = []
    for part in _split_top(text, SPLIT):
        part = re.sub(r"[（(](?:牵头|配合|负责|主责|参与|协办)[)）]$", "", part)
        part = re.sub(r"^(?:由|和|及|与)", "", part).strip("：:。.、")
        part = _restore(part, kept)
        if part.endswith("等") and len(part) > 2:
            part = part[:-1]  # "省商务厅等": and others (named by the phrase after it, if any)
        if not is_collective(part):
            part = DUTY_TAIL.sub("", part)
        if part:
            names.append(part)
    names = _distribute_heads(names)
    return _carry_prefix(names)


def _distribute_heads(names: list[str]) -> list[str]:
    """ "广州、深圳、珠海出入境边防检查总站" → three stations; "市委、市政府督查室" → two offices."""
    out = list(names)
    for i in range(len(out) - 2, -1, -1):
        name, following = out[i], out[i + 1]
        if HEAD_OF.fullmatch(name):
            head = HEAD_OF.match(following)
            tail = following[head.end() :] if head else ""
            if tail and ORG_SUFFIX.search(tail):
                out[i] = name + tail
            continue
        if ORG_SUFFIX.search(name) or is_collective(name) or len(name) > 4 or LEVEL_PREFIX.fullmatch(name):
            continue
        tail = following[len(name) :] if len(following) >= len(name) + 2 else ""
        if tail and ORG_SUFFIX.search(tail) and not tail.startswith(("省", "市", "区", "县")):
            out[i] = name + tail
    return out


PARTY_BODY = re.compile(r"^(?:办公室|宣传部|组织部|统战部|政法委|网信办|编办|改革办|财经办|外办|深改办)")


def _carry_prefix(names: list[str]) -> list[str]:
    """ "省发展改革委、工业和信息化厅" → 省工业和信息化厅: a list writes its prefix once
    ("省委宣传部、网信办" → 省委网信办: a party body takes the party committee's prefix)."""
    out, prefix = [], ""
    for name in names:
        found = LEVEL_PREFIX.match(name)
        if found and not is_collective(name) and not (prefix.startswith("两") and name.startswith(prefix[1])):
            prefix = found.group(0)
        elif prefix.startswith("两") and name.startswith(prefix[1]) and not is_collective(name):
            name = "两" + name  # "两市市委组织部、市委党校": the party schools of both cities
        elif prefix and _prefixable(name):
            party = prefix.endswith("委") and PARTY_BODY.match(name)
            name = (prefix if party or prefix.startswith("两") else prefix[0]) + name
        out.append(name)
    return out


def _prefixable(name: str) -> bool:
    if is_collective(name) or OWN_PLACE.match(name):
        return False
    own = name.replace("市场", "").replace("城市", "").replace("城乡", "")
    return bool(PREFIXABLE_END.search(re.sub(r"\(.*\)$", "", name))) and not re.search(r"[省市县州]", own)


def parse_unit_text(text: str, *, column: str = "") -> UnitText:
    """Read one bracket or cell. ``column`` is "lead", "partner" or "responsible" for a cell of
    that column (a plain list there means what the column says), "" for a bracket in the text."""
    parsed = UnitText()
    text = _clean(text).strip("。；;，,、 ")
    if not text:
        return parsed
    every = EVERY_FOLLOWING.search(text)
    if every:
        parsed.every_following = split_names(every.group(1))
        text = (text[: every.start()] + text[every.end() :]).strip("。；;，, ")
    responsible = ALL_RESPONSIBLE.search(text)
    if responsible:
        named = split_names(responsible.group(1))
        parsed.every_following += named
        text = (text[: responsible.start()] + text[responsible.end() :]).strip("。；;，, ")
    else:
        named = []
    if CARRY_DOWN.search(text):
        parsed.carry_down = True
        text = CARRY_DOWN.sub("", text).strip("。；;，, ")
    if LABEL.search(text):
        _labelled(text, parsed)
    else:
        _phrase(text, parsed, column=column)
    parsed.partners += [n for n in named if n not in parsed.leads + parsed.partners]
    return parsed


def _labelled(text: str, parsed: UnitText) -> None:
    marks = list(LABEL.finditer(text))
    responsible = []
    for n, mark in enumerate(marks):
        end = marks[n + 1].start() if n + 1 < len(marks) else len(text)
        units = split_names(text[mark.end() : end].strip("；;。，, "))
        label = mark.group(1)
        if label in LEAD_LABELS:
            parsed.leads += units
        elif label in PARTNER_LABELS:
            parsed.partners += units
        else:
            responsible += units
    if parsed.leads:
        parsed.partners = responsible + parsed.partners
    else:
        parsed.leads, parsed.responsible_only = responsible, bool(responsible)


LEAD_PHRASE = re.compile(r"^(?:由)?(?P<lead>.+?)(?:共同)?牵头(?:负责|抓总|组织|推进|实施|落实)?(?P<rest>.*)$")
WITH_PHRASE = re.compile(r"^(?:由)?(?P<lead>.+?)会同(?P<rest>.+)$")


def _phrase(text: str, parsed: UnitText, *, column: str) -> None:
    found = LEAD_PHRASE.match(text) or WITH_PHRASE.match(text)
    if found:
        parsed.leads = split_names(found.group("lead"))
        rest = found.group("rest").strip("，,；;、。 ")
        if rest:
            parsed.partners = split_names(rest)
        return
    if column == "partner":
        parsed.partners = split_names(text)
        return
    names = split_names(text)
    if column == "lead":
        parsed.leads = names
        return
    # "A、B按职责分工负责", "A负责", a 责任单位 cell: responsible units without a split.
    parsed.leads = names
    parsed.responsible_only = len(names) > 1


def is_unit_bracket(inner: str) -> UnitText | None:
    """The units a bracket in the task text names, or None when it holds something else
    ("（CIM）", "（2023—2025年）", "（支持龙头企业牵头组建创新联合体）")."""
    plain = _clean(inner)
    if not re.search(r"牵头|配合|负责|责任单位|责任部门|参与单位|协办|会同|落实", plain):
        return None
    parsed = parse_unit_text(plain)
    names = parsed.leads + parsed.partners + parsed.every_following
    if not names:
        return None
    # A labelled bracket ("责任单位：…") says what it holds: one unit-like name is enough (the
    # others may be 产业园, 福州 …). A phrase ("…牵头…") must be units throughout.
    if LABEL.search(plain) and any(looks_like_unit(n) for n in names):
        return parsed
    return parsed if all(looks_like_unit(n) for n in names) else None


# --- Matching names to organizations ----------------------------------------------------------
# Usual abbreviations, applied to the organization's name and to the name as written alike, so
# that both reduce to one short form. Longest first; each (pattern, short form).
ABBREVIATIONS = [
    (r"中共|中国共产党|国家税务总局", ""),
    (r"人民政府", "政府"),
    (r"集团有限公司|集团有限责任公司|集团股份有限公司|集团公司", "集团"),
    (r"股份有限公司|有限责任公司|有限公司", "公司"),
    (r"高新技术产业开发区", "高新区"),
    (r"经济技术开发区", "经开区"),
    (r"大数据(?:发展)?(?:管理)?委员会", "大数据委"),
    (r"^政协(.+?[省市区县])委员会", r"\1政协"),
    (r"国家保密局", "保密局"),
    (r"事务管理局", "事务局"),
    (r"行政审批管理局|审批管理局", "审批局"),
    (r"市场监督管理局|市场监管局|市场局", "市场监管局"),
    (r"网络安全和信息化委员会办公室|网络安全和信息化办公室", "网信办"),
    (r"机构编制委员会办公室", "编办"),
    (r"发展和改革委员会|发展改革委员会|发展改革委|发展和改革局|发展改革局|发改委|发改局", "发改委"),
    (r"人力资源和社会保障|人力资源社会保障|人社", "人社"),
    (r"住房和城乡建设|住房城乡建设|住建", "住建"),
    (r"工业和信息化|工业信息化|工信", "工信"),
    (
        r"政务服务和数据管理局|政务服务数据管理局|大数据管理局|大数据发展管理局|大数据局|政数局|数据管理局|数据局",
        "数据局",
    ),
    (r"市场监督管理|市场监管", "市场监管"),
    (r"卫生健康委员会|卫生健康委|卫生和健康委员会|卫健委", "卫健委"),
    (r"卫生健康局|卫健局", "卫健局"),
    (r"自然资源和规划|自然资源规划", "自然资源"),
    (r"文化广电和旅游|文化广电旅游|文化和旅游|文化旅游|文广旅|文广新旅|文旅", "文旅"),
    (r"交通运输", "交通"),
    (r"应急管理", "应急"),
    (r"城市管理综合执法|城市管理行政执法|城市管理", "城管"),
    (r"医疗保障", "医保"),
    (r"科学技术", "科技"),
    (r"教育和体育", "教体"),
    (r"行政审批服务局|行政审批局", "审批局"),
    (r"地方金融监督管理局|地方金融监管局|金融监督管理局", "金融局"),
    (r"国有资产监督管理委员会|国资委", "国资委"),
    (r"政府国资委", "国资委"),
    (r"管理委员会|管委会", "管委"),
    (r"退役军人事务", "退役军人"),
    (r"广播电视", "广电"),
    (r"生态环境", "生态环境"),
    (r"委员会", "委"),
    (r"办公室", "办"),
    (r"和|及|与", ""),
]
_ABBREVIATIONS = [(re.compile(p), s) for p, s in ABBREVIATIONS]


def short_form(name: str) -> str:
    key = normalize(name)
    for pattern, short in _ABBREVIATIONS:
        key = pattern.sub(short, key)
    return key


def level_word(region_name: str) -> str:
    """How a list writes its own region's prefix: 山东省 → 省, 临江市 → 市, 东城区 → 区."""
    for suffix in ("省", "自治区", "市", "新区", "区", "县", "旗"):
        if region_name.endswith(suffix):
            return {"自治区": "区", "新区": "区", "旗": "县"}.get(suffix, suffix)
    return ""


PLACE = re.compile(r"[\u4e00-\u9fff]+?(?:自治区|自治州|省|市|新区|区|县|旗)")


def places_of(region_names) -> list[str]:
    """The place names in region names, outermost first: "鞍山市立山区" → 鞍山市, 立山区;
    "济南市、临沂市" (a joint plan) → 济南市, 临沂市."""
    found = []
    for name in region_names:
        for part in re.split(r"[、，,和与]", name or ""):
            for place in PLACE.findall(part) or [part]:
                if place and place not in found:
                    found.append(place)
    return found


def _stem(place: str) -> str:
    stem = re.sub(r"(?:自治区|自治州|省|市|新区|区|县|旗)$", "", place)
    return stem if len(stem) >= 2 else ""


@dataclass
class UnitMatch:
    name: str  # as written in the sheet (prefix restored)
    org: Organization | None = None
    how: str = "none"  # exact, alias, close, confirmed, collective, none
    candidates: list = field(default_factory=list)  # [(Organization, similarity)]


class OrgMatcher:
    """Organization names as sheets write them: exact, aliases and abbreviations, then close.

    ``regions`` are the names of the regions whose prefix a list may write as 省/市/区/县 or
    leave out (the plan's region and the uploader's, with the regions above them).
    """

    def __init__(self, orgs, *, regions=()):
        self.places = places_of(regions)
        self.exact, self.known = {}, {}
        for org in orgs:
            self.exact[normalize(org.name)] = org
            keys = set()
            for written in [org.name, *org.aliases]:
                keys |= self._keys(written, government=written == org.name)
            if org.short_name and len(org.short_name) >= 3:
                keys.add(normalize(org.short_name))
            for key in keys:
                if key and len(key) >= 2:
                    # An abbreviation two organizations share is no match for either.
                    self.known[key] = None if key in self.known and self.known[key] != org else org
        self.keys = {**{k: o for k, o in self.known.items() if o}, **self.exact}

    def _keys(self, name: str, *, government: bool = False) -> set[str]:
        """The forms a name reduces to: its places' prefixes as 省/市/区 or left out ("鞍山市立山区
        市场监督管理局" → 区市场监督管理局, 市场监督管理局), each with the usual abbreviations; a
        people's government is also named by its place alone ("黄埔区" for 广州市黄埔区人民政府)."""
        plain = normalize(name)
        forms = {plain, short_form(plain)}
        frontier = set(forms)
        for _round in range(3):
            grown = set()
            for form in frontier:
                for place in self.places:
                    stem = _stem(place)
                    if form.startswith(place) and len(form) > len(place) + 1:
                        rest = form[len(place) :]
                        grown |= {level_word(place) + rest, rest}
                    elif stem and form.startswith(stem) and len(form) > len(stem) + 1:
                        rest = form[len(stem) :]
                        grown |= {level_word(place) + rest, rest}
            frontier = grown - forms
            forms |= grown
        if government:
            for form in list(forms):
                place = form.removesuffix("人民政府")
                if place != form and PLACE.fullmatch(place):
                    forms |= {place, _stem(place)}
        forms |= {short_form(f) for f in list(forms)}
        return {f for f in forms if f}

    def expand(self, name: str) -> list[str]:
        """ "两市市委宣传部" in a joint plan of 济南市、临沂市 → 济南市委宣传部, 临沂市委宣传部."""
        found = re.match(r"^两([市区县])(.+)$", normalize(name))
        if not found:
            return [name]
        level, rest = found.groups()
        places = [p for p in self.places if level_word(p) == level]
        if len(places) != 2:
            return [name]
        return [(p[:-1] if rest.startswith(level) else p) + rest for p in places]

    def match(self, name: str, collective: bool = False) -> UnitMatch:
        if collective or is_collective(name):
            return UnitMatch(name, how="collective")
        for written in self._alternatives(name):
            key = normalize(written)
            if key in self.exact:
                return UnitMatch(name, self.exact[key], "exact")
            for form in sorted(self._keys(written), key=len, reverse=True):
                if self.known.get(form):
                    return UnitMatch(name, self.known[form], "alias")
        return self._close(name)

    @staticmethod
    def _alternatives(name: str) -> list[str]:
        """The whole of "省委网信办（省大数据局）", the name outside the bracket, the one inside;
        and a carried prefix read both ways ("省委办公厅、机要局": 省机要局 may be 省委机要局)."""
        plain = normalize(name)
        found = re.fullmatch(r"(.+?)\((.+)\)", plain)
        names = [plain, found.group(1), found.group(2)] if found else [plain]
        for written in list(names):
            party = re.match(r"^([省市区县])委(?!员会)(.+)$", written)
            level = re.match(r"^([省市区县])(?!委)(.+)$", written)
            if party:
                names.append(party.group(1) + party.group(2))
            elif level:
                names.append(level.group(1) + "委" + level.group(2))
        return names

    def _close(self, name: str) -> UnitMatch:
        scored = {}
        for written in self._alternatives(name):
            for key in {normalize(written), short_form(written)}:
                for candidate in difflib.get_close_matches(key, self.keys, n=5, cutoff=0.6):
                    org = self.keys[candidate]
                    score = difflib.SequenceMatcher(None, key, candidate).ratio()
                    scored[org.pk] = (max(scored.get(org.pk, (0, org))[0], score), org)
        candidates = sorted(((org, round(score, 2)) for score, org in scored.values()), key=lambda c: -c[1])[:3]
        return UnitMatch(name, how="close" if candidates else "none", candidates=candidates)
