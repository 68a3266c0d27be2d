"""The extension's BSL agrees with the facts recorded from public sources in
1c/facts/configurations.json (see bsl_facts): calls into БСП modules match their
signatures, the configuration profiles of кб_КэшбэкДанныеЧека match the
configurations' metadata, and no receipt attribute is read by a literal name
unless every supported configuration's receipt has it. The checker itself is
tested on small BSL snippets, defective and clean."""

from __future__ import annotations

import pytest

import bsl_facts as f

FACTS = f.load_facts()

# The profile values the facts support, one per configuration (what a correct кб_КэшбэкДанныеЧека holds).
GOOD_PROFILES = {
    "Розница3": {"Конфигурация": "РозницаАптека", "Версия": "3.0.", "ДокументЧек": "ЧекККМ",
                 "ДокументВозврат": "ЧекККМВозврат", "РеквизитСтатус": "Статус",
                 "ПеречислениеСтатусов": "СтатусыЧековККМ", "СтатусыПродан": "Пробит", "СтатусыАннулирован": "",
                 "РеквизитАрхивный": "Архивный", "РеквизитКарта": "ДисконтнаяКарта",
                 "СправочникКарт": "ДисконтныеКарты", "РеквизитВладелецКарты": "ВладелецКарты",
                 "РеквизитПокупатель": "Контрагент", "РеквизитМагазин": "СтруктурнаяЕдиница",
                 "СправочникМагазинов": "СтруктурныеЕдиницы", "РеквизитКасса": "КассаККМ",
                 "РеквизитСумма": "СуммаДокумента", "РеквизитЧекОснование": "ЧекККМ",
                 "РеквизитСтатусВозврата": "", "РеквизитВидОперации": "", "ВидОперацииВозврат": ""},
    "УТ11": {"Конфигурация": "УправлениеТорговлей", "Версия": "11.", "ДокументЧек": "ЧекККМ",
             "ДокументВозврат": "ЧекККМВозврат", "РеквизитСтатус": "Статус",
             "ПеречислениеСтатусов": "СтатусыЧековККМ", "СтатусыПродан": "Пробит", "СтатусыАннулирован": "",
             "РеквизитАрхивный": "Архивный", "РеквизитКарта": "КартаЛояльности", "СправочникКарт": "КартыЛояльности",
             "РеквизитВладелецКарты": "Партнер", "РеквизитПокупатель": "Партнер", "РеквизитМагазин": "Склад",
             "СправочникМагазинов": "Склады", "РеквизитКасса": "КассаККМ", "РеквизитСумма": "СуммаДокумента",
             "РеквизитЧекОснование": "ЧекККМ", "РеквизитСтатусВозврата": "Статус", "РеквизитВидОперации": "",
             "ВидОперацииВозврат": ""},
    "Розница23": {"Конфигурация": "Розница", "Версия": "2.", "ДокументЧек": "ЧекККМ", "ДокументВозврат": "ЧекККМ",
                  "РеквизитСтатус": "СтатусЧекаККМ", "ПеречислениеСтатусов": "СтатусыЧековККМ",
                  "СтатусыПродан": "Пробитый,Архивный", "СтатусыАннулирован": "Аннулированный",
                  "РеквизитАрхивный": "", "РеквизитКарта": "ДисконтнаяКарта", "СправочникКарт": "ИнформационныеКарты",
                  "РеквизитВладелецКарты": "ВладелецКарты", "РеквизитПокупатель": "ВладелецДисконтнойКарты",
                  "РеквизитМагазин": "Магазин", "СправочникМагазинов": "Магазины", "РеквизитКасса": "КассаККМ",
                  "РеквизитСумма": "СуммаДокумента", "РеквизитЧекОснование": "ЧекККМПродажа",
                  "РеквизитСтатусВозврата": "СтатусЧекаККМ", "РеквизитВидОперации": "ВидОперации",
                  "ВидОперацииВозврат": "Возврат"},
}

DEFECTIVE_CALL = """
	Телефоны = УправлениеКонтактнойИнформацией.КонтактнаяИнформацияОбъекта(Владелец,
		Перечисления.ТипыКонтактнойИнформации.Телефон, , Чек.Дата);
"""
CLEAN_CALLS = """
	Владелец = ОбщегоНазначения.ЗначениеРеквизитаОбъекта(Карта, "ВладелецКарты"); // Чек.Магазин in a comment
	Телефоны = УправлениеКонтактнойИнформацией.КонтактнаяИнформацияОбъекта(Владелец,
		Перечисления.ТипыКонтактнойИнформации.Телефон, Чек.Дата, Ложь);
	ОбщегоНазначения.ПриНачалеВыполненияРегламентногоЗадания(Метаданные.РегламентныеЗадания.кб_Задание);
	Текст = "Чек.Магазин, ЗначениеРеквизита(Чек, ""Магазин"")";
	Сумма = ЗначениеРеквизита(Чек, "СуммаДокумента", 0) + Чек[Профиль.РеквизитСумма];
	Номер = Чек.Номер + Источник.Метаданные().Имя;
"""


def profile_function(name: str, values: dict[str, str]) -> str:
    lines = [f"Функция Профиль{name}()", "\tПрофиль = Новый Структура;", f'\tПрофиль.Вставить("Имя", "{name}");']
    lines += [f'\tПрофиль.Вставить("{key}", "{value}");' for key, value in values.items()]
    return "\n".join(lines + ["\tВозврат Профиль;", "КонецФункции", ""])


def profiles_text(**changes: dict[str, str]) -> str:
    return "\n".join(profile_function(name, {**values, **changes.get(name, {})}) for name, values in GOOD_PROFILES.items())


# ---- the facts file ------------------------------------------------------------------------

def test_the_facts_name_their_sources():
    used = {entry["source"] for entry in FACTS["library"].values()}
    used |= {config["source"] for config in FACTS["configurations"].values()}
    assert used <= set(FACTS["sources"]), used - set(FACTS["sources"])
    assert all({"repo", "commit", "what"} <= set(s) for s in FACTS["sources"].values())
    assert all(fact["fact"] and fact["source_path"]
               for config in FACTS["configurations"].values() for fact in config["lifecycle"])


def test_every_configuration_describes_its_receipt_documents():
    for name, config in FACTS["configurations"].items():
        assert {"name", "version", "documents", "catalogs", "enums"} <= set(config), name
        assert config["receipt_document"] in config["documents"], name
        ret = config["return_document"]
        assert ret["link_attribute"] in config["documents"][ret["name"]]["attributes"], name


def test_library_entries_have_signatures():
    for name, entry in FACTS["library"].items():
        assert entry["kind"] in ("Функция", "Процедура") and entry["path"] and entry["line"], name
        assert all({"name", "default", "types"} <= set(p) and p["types"] for p in entry["params"]), name


# ---- the extension against the facts (red until the BSL rewrite lands) ----------------------

def test_library_calls_match_their_signatures():
    problems = f.check_library_calls(f.extension_sources(), FACTS)
    assert not problems, "\n".join(problems)


def test_configuration_profiles_match_the_metadata():
    problems = f.check_profiles(f.read_bsl(f.DATA_MODULE), FACTS)
    assert not problems, "\n".join(problems)


def test_receipt_attributes_are_read_through_the_profiles():
    problems = f.check_literal_reads(f.extension_sources(), FACTS)
    assert not problems, "\n".join(problems)


# ---- the checker on snippets ----------------------------------------------------------------

def test_a_date_given_for_a_boolean_parameter_is_reported():
    problems = f.check_library_calls({"snippet.bsl": DEFECTIVE_CALL}, FACTS)
    assert len(problems) == 1 and "snippet.bsl:2:" in problems[0] and "ТолькоПредставление" in problems[0], problems


@pytest.mark.parametrize("call, expected", [
    ('ОбщегоНазначения.ПодсистемаСуществует("А", "Б")', "2 arguments, the procedure takes 1"),
    ("ОбщегоНазначения.ЗначениеРеквизитаОбъекта(Карта, , Истина)", "the required parameter ИмяРеквизита"),
    ("ОбщегоНазначения.ЗначениеРеквизитаОбъекта(Карта, 5)", "the parameter ИмяРеквизита takes Строка"),
    ("ОбщегоНазначения.НетТакогоМетода(1)", "is not in the facts"),
    ('ОбщегоНазначения.ПриНачалеВыполненияРегламентногоЗадания("кб_Задание")', "is Строка"),
])
def test_bad_library_calls_are_reported(call, expected):
    problems = f.check_library_calls({"snippet.bsl": call}, FACTS)
    assert len(problems) == 1 and expected in problems[0], problems


@pytest.mark.parametrize("changes, expected", [
    ({"УТ11": {"РеквизитСтатус": "СтатусЧекаККМ"}}, "ПрофильУТ11: РеквизитСтатус СтатусЧекаККМ is not an attribute of ЧекККМ"),
    ({"УТ11": {"СтатусыАннулирован": "Аннулированный"}}, "ПрофильУТ11: Аннулированный is not a value of СтатусыЧековККМ"),
    ({"Розница3": {"Конфигурация": "Розница"}}, "ПрофильРозница3: Конфигурация is Розница, the metadata Name is РозницаАптека"),
    ({"Розница3": {"Версия": "11."}}, "does not start with Версия 11."),
    ({"Розница3": {"РеквизитКарта": "КартаЛояльности"}}, "РеквизитКарта КартаЛояльности is not an attribute of ЧекККМ"),
    ({"УТ11": {"СправочникКарт": "Партнеры"}}, "РеквизитКарта КартаЛояльности is cfg:CatalogRef.КартыЛояльности, not cfg:CatalogRef.Партнеры"),
    ({"УТ11": {"РеквизитВладелецКарты": "ВладелецКарты"}}, "РеквизитВладелецКарты ВладелецКарты is not an attribute of КартыЛояльности"),
    ({"УТ11": {"РеквизитЧекОснование": "КассаККМ"}}, "РеквизитЧекОснование КассаККМ does not reference ЧекККМ"),
    ({"Розница23": {"ДокументВозврат": "ЧекККМВозврат"}}, "ДокументВозврат ЧекККМВозврат: no such document in the facts"),
    ({"Розница23": {"РеквизитАрхивный": "Архивный"}}, "РеквизитАрхивный Архивный is not an attribute of ЧекККМ"),
])
def test_bad_profiles_are_reported(changes, expected):
    problems = f.check_profiles(profiles_text(**changes), FACTS)
    assert len(problems) >= 1 and any(expected in p for p in problems), problems


def test_a_missing_or_incomplete_profile_is_reported():
    text = profiles_text().replace('\tПрофиль.Вставить("РеквизитКасса", "КассаККМ");\n', "", 1)
    text = text.replace("Функция ПрофильРозница23()", "Функция ПрофильДругой()")
    problems = f.check_profiles(text, FACTS)
    assert "no profile function ПрофильРозница23() for the configuration Розница23" in problems
    assert "ПрофильРозница3: no value for РеквизитКасса" in problems
    assert "ПрофильДругой: Имя is Розница23, the function is ПрофильДругой" in problems


@pytest.mark.parametrize("read, name", [
    ('Магазин = ЗначениеРеквизита(Чек, "Магазин", Неопределено);', "Магазин"),
    ("Карта = Источник.ДисконтнаяКарта;", "ДисконтнаяКарта"),
    ('Статус = ЗначениеРеквизита(Возврат,\n\t"СтатусЧекаККМ", Неопределено);', "СтатусЧекаККМ"),
])
def test_literal_receipt_attribute_reads_are_reported(read, name):
    problems = f.check_literal_reads({"snippet.bsl": read}, FACTS)
    assert len(problems) == 1 and f"attribute {name} is read by name" in problems[0], problems


def test_clean_snippet_is_reported_clean():
    sources = {"snippet.bsl": CLEAN_CALLS}
    assert f.check_library_calls(sources, FACTS) == []
    assert f.check_literal_reads(sources, FACTS) == []
    assert f.check_profiles(profiles_text(), FACTS) == []
