"""Checks the BSL of the 1C extension (1c/extension) against the facts recorded
from public sources in 1c/facts/configurations.json: calls into library modules
(БСП) against their signatures, the configuration profiles of
кб_КэшбэкДанныеЧека against the configurations' metadata, and receipt
attributes read by a literal name against the attributes every supported
configuration has.

Nothing here runs BSL; the reading is textual and conservative: an argument
whose type cannot be told from its text is accepted. Every check returns a list
of problems ("path:line: what"), empty when all is well.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
EXTENSION = REPO / "1c" / "extension"
FACTS = REPO / "1c" / "facts" / "configurations.json"
DATA_MODULE = EXTENSION / "CommonModules" / "кб_КэшбэкДанныеЧека" / "Ext" / "Module.bsl"

PROFILE_KEYS = ("Имя", "Конфигурация", "Версия", "ДокументЧек", "ДокументВозврат", "РеквизитСтатус",
                "ПеречислениеСтатусов", "СтатусыПродан", "СтатусыАннулирован", "РеквизитАрхивный",
                "РеквизитКарта", "СправочникКарт", "РеквизитВладелецКарты", "РеквизитПокупатель",
                "РеквизитМагазин", "СправочникМагазинов", "РеквизитКасса", "РеквизитСумма",
                "РеквизитЧекОснование", "РеквизитСтатусВозврата", "РеквизитВидОперации", "ВидОперацииВозврат")
REQUIRED_PROFILE_VALUES = ("Имя", "Конфигурация", "Версия", "ДокументЧек", "ДокументВозврат")
# Profile attributes the return document must have too.
RETURN_ATTRIBUTE_KEYS = ("РеквизитАрхивный", "РеквизитСумма", "РеквизитКасса", "РеквизитМагазин", "РеквизитЧекОснование",
                         "РеквизитСтатусВозврата", "РеквизитВидОперации")
NOT_ON_SALE = ("РеквизитВладелецКарты", "РеквизитЧекОснование", "РеквизитСтатусВозврата")
STANDARD_ATTRIBUTES = {"Номер", "Дата", "Ссылка", "Проведен", "ПометкаУдаления", "ОбменДанными", "Метаданные",
                       "ЭтоНовый", "ДополнительныеСвойства"}
RECEIPT_VARIABLES = ("Чек", "Источник", "Возврат")

CALL = re.compile(r"(?<![\w.])(\w+)\.(\w+)\s*\(")
PROFILE_FUNCTION = re.compile(r"^Функция\s+Профиль(\w+)\s*\(\s*\)(.*?)^КонецФункции", re.M | re.S)
PROFILE_VALUE = re.compile(r'Профиль\.Вставить\(\s*"(\w+)"\s*,\s*"([^"]*)"\s*\)')
LITERAL_READ = re.compile(r'(?<![\w.])ЗначениеРеквизита\s*\(\s*[^,()"]+,\s*(?=")')
MEMBER_READ = re.compile(rf"(?<![\w.])(?:{'|'.join(RECEIPT_VARIABLES)})\.(\w+)(\s*\()?")


@dataclass
class Call:
    module: str
    method: str
    args: list[str]
    line: int


# ---- reading BSL ---------------------------------------------------------------------------

def load_facts(path: Path = FACTS) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def read_bsl(path: Path) -> str:
    return path.read_bytes().decode("utf-8-sig").replace("\r\n", "\n")


def extension_sources() -> dict[str, str]:
    """Repository-relative path -> text of every .bsl of the extension."""
    return {str(p.relative_to(REPO)): read_bsl(p) for p in sorted(EXTENSION.rglob("*.bsl"))}


def code_view(text: str, keep_strings: bool = True) -> str:
    """The text with comments blanked (and string contents too unless keep_strings); same length and lines."""
    out = []
    i, n = 0, len(text)
    while i < n:
        if text.startswith("//", i):
            end = text.find("\n", i)
            end = n if end < 0 else end
            out.append(" " * (end - i))
            i = end
        elif text[i] == '"':
            end = _string_end(text, i)
            body = text[i + 1:end - 1]
            out.append('"' + (body if keep_strings else re.sub(r"[^\n]", " ", body)) + '"')
            i = end
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def _string_end(text: str, start: int) -> int:
    """Index just past the string literal opening at start ("" is an escaped quote)."""
    i = start + 1
    while i < len(text):
        if text[i] == '"':
            if text.startswith('""', i):
                i += 2
                continue
            return i + 1
        i += 1
    return len(text)


def line_of(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def split_arguments(real: str, blank: str) -> list[str]:
    """Top-level comma-separated arguments of real (blank: the same text with string contents blanked)."""
    if not blank.strip():
        return []
    args, depth, start = [], 0, 0
    for i, ch in enumerate(blank):
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif ch == "," and depth == 0:
            args.append(real[start:i].strip())
            start = i + 1
    args.append(real[start:].strip())
    return args


def calls(text: str, modules: set[str]) -> list[Call]:
    """Calls Модуль.Метод(...) on the given modules, arguments split at top level; calls may span lines."""
    real, blank = code_view(text), code_view(text, keep_strings=False)
    found = []
    for match in CALL.finditer(blank):
        if match.group(1) not in modules:
            continue
        open_at = match.end() - 1
        close_at = _closing_paren(blank, open_at)
        args = split_arguments(real[open_at + 1:close_at], blank[open_at + 1:close_at])
        found.append(Call(match.group(1), match.group(2), args, line_of(text, match.start())))
    return found


def _closing_paren(blank: str, open_at: int) -> int:
    depth = 0
    for i in range(open_at, len(blank)):
        if blank[i] == "(":
            depth += 1
        elif blank[i] == ")":
            depth -= 1
            if depth == 0:
                return i
    raise ValueError(f"unbalanced parenthesis at {open_at}")


# ---- (a) library calls ---------------------------------------------------------------------

def infer_type(arg: str) -> str | None:
    """The BSL type an argument's text shows, or None when it cannot be told (accepted anywhere)."""
    a = arg.strip()
    folded = a.casefold()
    if folded in ("истина", "ложь"):
        return "Булево"
    if folded == "неопределено":
        return None
    if re.fullmatch(r'"(?:[^"]|"")*"', a, re.S):
        return "Строка"
    if re.fullmatch(r"-?\d+(?:\.\d+)?", a):
        return "Число"
    if re.fullmatch(r"ТекущаяДата\w*\(\s*\)", a) or re.fullmatch(r"(?:[\w.]+\.)?\w*Дата", a):
        return "Дата"
    enum = re.fullmatch(r"Перечисления\.(\w+)\.\w+", a)
    if enum:
        return f"ПеречислениеСсылка.{enum.group(1)}"
    if re.fullmatch(r"Метаданные\.[\w.]+", a):
        return "ОбъектМетаданных"
    return None


def compatible(inferred: str | None, types: list[str]) -> bool:
    if inferred is None or "Произвольный" in types:
        return True
    if inferred == "ОбъектМетаданных":
        return any(t.startswith("ОбъектМетаданных") for t in types)
    if inferred.startswith("ПеречислениеСсылка."):
        return bool({inferred, "ПеречислениеСсылка", "ЛюбаяСсылка"} & set(types))
    return inferred in types


def library_modules(facts: dict) -> set[str]:
    return {name.split(".")[0] for name in facts["library"]}


def call_problems(call: Call, library: dict) -> list[str]:
    name = f"{call.module}.{call.method}"
    signature = library.get(name)
    if signature is None:
        return [f"{name} is not in the facts (library)"]
    params = signature["params"]
    if len(call.args) > len(params):
        return [f"{name}: {len(call.args)} arguments, the procedure takes {len(params)}"]
    problems = []
    for index, param in enumerate(params):
        arg = call.args[index] if index < len(call.args) else ""
        if not arg:
            if param["default"] is None:
                problems.append(f"{name}: the required parameter {param['name']} is not given")
            continue
        inferred = infer_type(arg)
        if not compatible(inferred, param["types"]):
            problems.append(f"{name}: argument {index + 1} ({arg}) is {inferred}, "
                            f"the parameter {param['name']} takes {', '.join(param['types'])}")
    return problems


def check_library_calls(sources: dict[str, str], facts: dict) -> list[str]:
    modules = library_modules(facts)
    return [f"{path}:{call.line}: {problem}"
            for path, text in sources.items()
            for call in calls(text, modules)
            for problem in call_problems(call, facts["library"])]


# ---- (b) configuration profiles ------------------------------------------------------------

def profiles(text: str) -> dict[str, dict[str, str]]:
    """Функция Профиль<Имя>() -> the literal values it puts into Профиль."""
    return {m.group(1): dict(PROFILE_VALUE.findall(m.group(2))) for m in PROFILE_FUNCTION.finditer(text)}


def status_values(profile: dict[str, str]) -> list[str]:
    return [v.strip() for key in ("СтатусыПродан", "СтатусыАннулирован")
            for v in profile.get(key, "").split(",") if v.strip()]


def check_profiles(text: str, facts: dict) -> list[str]:
    found = profiles(text)
    problems = [f"no profile function Профиль{name}() for the configuration {name}"
                for name in facts["configurations"] if name not in found]
    for suffix, profile in found.items():
        problems += [f"Профиль{suffix}: {p}" for p in profile_problems(suffix, profile, facts)]
    return problems


def profile_problems(suffix: str, profile: dict[str, str], facts: dict) -> list[str]:
    problems = [f"no value for {key}" for key in PROFILE_KEYS if key not in profile]
    problems += [f"{key} is empty" for key in REQUIRED_PROFILE_VALUES if not profile.get(key)]
    if problems:
        return problems
    if profile["Имя"] != suffix:
        problems.append(f"Имя is {profile['Имя']}, the function is Профиль{suffix}")
    config = facts["configurations"].get(profile["Имя"])
    if config is None:
        return problems + [f"{profile['Имя']} is not a configuration in the facts"]
    if config["name"] not in [name.strip() for name in profile["Конфигурация"].split(",")]:
        problems.append(f"Конфигурация is {profile['Конфигурация']}, the metadata Name is {config['name']}")
    if not config["version"].startswith(profile["Версия"]):
        problems.append(f"the version {config['version']} does not start with Версия {profile['Версия']}")
    sale = config["documents"].get(profile["ДокументЧек"])
    ret = config["documents"].get(profile["ДокументВозврат"])
    problems += [f"{key} {profile[key]}: no such document in the facts"
                 for key, document in (("ДокументЧек", sale), ("ДокументВозврат", ret)) if document is None]
    if sale is None or ret is None:
        return problems
    return problems + attribute_problems(profile, config, sale["attributes"], ret["attributes"]) \
        + type_problems(profile, config, sale["attributes"], ret["attributes"])


def attribute_problems(profile: dict[str, str], config: dict, sale: dict, ret: dict) -> list[str]:
    on_sale = [k for k in PROFILE_KEYS if k.startswith("Реквизит") and k not in NOT_ON_SALE]
    on_return = list(RETURN_ATTRIBUTE_KEYS)
    problems = [f"{key} {profile[key]} is not an attribute of {profile['ДокументЧек']}"
                for key in on_sale if profile[key] and profile[key] not in sale]
    if config["return_document"]["status_attribute"] != (profile["РеквизитСтатусВозврата"] or None):
        problems.append(f"РеквизитСтатусВозврата is '{profile['РеквизитСтатусВозврата']}', the return document's "
                        f"status attribute is {config['return_document']['status_attribute']}")
    return problems + [f"{key} {profile[key]} is not an attribute of {profile['ДокументВозврат']}"
                       for key in on_return if profile[key] and profile[key] not in ret]


def type_problems(profile: dict[str, str], config: dict, sale: dict, ret: dict) -> list[str]:
    problems = []
    expected = {"РеквизитСтатус": f"cfg:EnumRef.{profile['ПеречислениеСтатусов']}",
                "РеквизитКарта": f"cfg:CatalogRef.{profile['СправочникКарт']}",
                "РеквизитМагазин": f"cfg:CatalogRef.{profile['СправочникМагазинов']}"}
    for key, type_name in expected.items():
        if profile[key] in sale and sale[profile[key]] != [type_name]:
            problems.append(f"{key} {profile[key]} is {', '.join(sale[profile[key]])}, not {type_name}")
    link = profile["РеквизитЧекОснование"]
    if link in ret and f"cfg:DocumentRef.{profile['ДокументЧек']}" not in ret[link]:
        problems.append(f"РеквизитЧекОснование {link} does not reference {profile['ДокументЧек']}")
    return problems + enum_problems(profile, config) + card_problems(profile, config) + store_problems(profile, config)


def enum_problems(profile: dict[str, str], config: dict) -> list[str]:
    values = status_values(profile)
    if not profile["ПеречислениеСтатусов"]:
        return ["status values without ПеречислениеСтатусов"] if values else []
    enum = config["enums"].get(profile["ПеречислениеСтатусов"])
    if enum is None or enum["values"] is None:
        return [f"ПеречислениеСтатусов {profile['ПеречислениеСтатусов']}: no such enum (with values) in the facts"]
    return [f"{value} is not a value of {profile['ПеречислениеСтатусов']}" for value in values if value not in enum["values"]]


def card_problems(profile: dict[str, str], config: dict) -> list[str]:
    if not profile["СправочникКарт"]:
        return []
    catalog = config["catalogs"].get(profile["СправочникКарт"])
    if catalog is None or catalog["attributes"] is None:
        return [f"СправочникКарт {profile['СправочникКарт']}: no such catalog (with attributes) in the facts"]
    owner = profile["РеквизитВладелецКарты"]
    return [f"РеквизитВладелецКарты {owner} is not an attribute of {profile['СправочникКарт']}"] \
        if owner and owner not in catalog["attributes"] else []


def store_problems(profile: dict[str, str], config: dict) -> list[str]:
    store = profile["СправочникМагазинов"]
    return [f"СправочникМагазинов {store}: no such catalog in the facts"] \
        if store and store not in config["catalogs"] else []


# ---- (c) receipt attributes read by a literal name -----------------------------------------

def literal_attribute_reads(text: str) -> list[tuple[str, int]]:
    """(attribute name, line) of ЗначениеРеквизита(x, "Имя", ...) and Чек./Источник./Возврат.<Имя> reads."""
    real, blank = code_view(text), code_view(text, keep_strings=False)
    found = [(real[m.end() + 1:_string_end(real, m.end()) - 1], line_of(text, m.start()))
             for m in LITERAL_READ.finditer(blank)]
    return found + [(m.group(1), line_of(text, m.start())) for m in MEMBER_READ.finditer(blank)
                    if not m.group(2) and m.group(1) not in STANDARD_ATTRIBUTES]


def common_receipt_attributes(facts: dict) -> set[str]:
    sets = [set(c["documents"][c["receipt_document"]]["attributes"]) for c in facts["configurations"].values()]
    return set.intersection(*sets)


def check_literal_reads(sources: dict[str, str], facts: dict) -> list[str]:
    common = common_receipt_attributes(facts)
    return [f"{path}:{line}: the receipt attribute {name} is read by name, but not every supported "
            f"configuration's receipt has it (use the profile)"
            for path, text in sources.items()
            for name, line in literal_attribute_reads(text) if name not in common]
