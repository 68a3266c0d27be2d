#!/usr/bin/env python3
"""Writes the extension's Designer XML files (1c/extension/**.xml, with
ConfigDumpInfo.xml) from the object list below, and normalizes every .bsl
module to what Designer writes (UTF-8 with a byte-order mark, CRLF line breaks).

    python3 1c/tools/generate_xml.py              # rewrite the files
    python3 1c/tools/generate_xml.py --check      # exit 1 if a file differs
    python3 1c/tools/generate_xml.py --xml-only   # leave the .bsl files alone

The layout and property sets follow real Designer dumps of configuration
extensions in format version 2.9 (platform 8.3.16); the property order of
Configuration.xml and Languages/*.xml is the one recorded, with its sources,
in 1c/facts/dump_format.json (checked by tests/onec/test_dump_format.py).
2.9 is kept although the code needs 8.3.17: every 8.3.17+ platform loads it,
the property order checked here is the same in every real extension dump of
2.9 to 2.14, and the object property sets were compared with a real 2.9 dump.

The UUIDs are derived from the object names (uuid5), so regenerating never
changes them and a reloaded extension keeps its data. Borrowed objects (the
Russian language, Document.ЧекККМ and Document.ЧекККМВозврат) carry a
placeholder ExtendedConfigurationObject; run bind_to_configuration.py with a
dump of the target configuration to put in the real UUIDs and the target's
compatibility and interface compatibility modes (see 1c/README.md).

ConfigDumpInfo.xml is the platform's version file of a dump: one Metadata
entry per object of Configuration.xml (and the configuration itself), named
Type.Name, id = the object's uuid, with its registers' dimensions/resources
and enum values nested (sorted by id), plus an entry per module or rights
file (id = uuid + ".0" for CommonModule.Module and Role.Rights, ".2" for
CommonCommand.CommandModule). The platform's configVersion is its own opaque
version of the object; it uses the file only to dump or load incrementally,
comparing it with the versions it holds. Here configVersion is the SHA-1 of
the file the generator writes for the entry (so it changes exactly when that
file does); module entries get a SHA-1 of their id, because the module text
is written by hand and must not make this file stale. None of these values
can equal the platform's own, so an incremental dump or load treats every
object as changed, which is what a generated dump needs.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Callable, Optional
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[1] / "extension"
FORMAT = "2.9"
NAME = "кб_КэшбэкБитрикс"
PREFIX = "кб_"
VERSION = "1.0.0"
COMPATIBILITY = "Version8_3_17"
# Retail 3 (Розница) dumps carry Taxi, UT 11.5 TaxiEnableVersion8_2; bind_to_configuration.py
# writes the target configuration's value.
INTERFACE_COMPATIBILITY = "Taxi"
PLACEHOLDER = "00000000-0000-0000-0000-000000000000"
NAMESPACE = uuid.UUID("8c6f2f4e-3f0b-4a59-9d1e-5b0c1c6b7a10")
BOM = "\ufeff"

NS = " ".join([
    'xmlns="http://v8.1c.ru/8.3/MDClasses"',
    'xmlns:app="http://v8.1c.ru/8.2/managed-application/core"',
    'xmlns:cfg="http://v8.1c.ru/8.1/data/enterprise/current-config"',
    'xmlns:cmi="http://v8.1c.ru/8.2/managed-application/cmi"',
    'xmlns:ent="http://v8.1c.ru/8.1/data/enterprise"',
    'xmlns:lf="http://v8.1c.ru/8.2/managed-application/logform"',
    'xmlns:style="http://v8.1c.ru/8.1/data/ui/style"',
    'xmlns:sys="http://v8.1c.ru/8.1/data/ui/fonts/system"',
    'xmlns:v8="http://v8.1c.ru/8.1/data/core"',
    'xmlns:v8ui="http://v8.1c.ru/8.1/data/ui"',
    'xmlns:web="http://v8.1c.ru/8.1/data/ui/colors/web"',
    'xmlns:win="http://v8.1c.ru/8.1/data/ui/colors/windows"',
    'xmlns:xen="http://v8.1c.ru/8.3/xcf/enums"',
    'xmlns:xpr="http://v8.1c.ru/8.3/xcf/predef"',
    'xmlns:xr="http://v8.1c.ru/8.3/xcf/readable"',
    'xmlns:xs="http://www.w3.org/2001/XMLSchema"',
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"',
])

# The platform's class ids of a configuration's contained objects (as in the real dump).
CONTAINED_CLASS_IDS = [
    "9cd510cd-abfc-11d4-9434-004095e12fc7",
    "9fcd25a0-4822-11d4-9414-008048da11f9",
    "e3687481-0a87-462c-a166-9f34594f9bba",
    "9de14907-ec23-4a07-96f0-85521cb6b53b",
    "51f2d5d8-ea4d-4064-8892-82951750031e",
    "e68182ea-4237-4383-967f-90c1e3370bc7",
]

# ---- the objects ---------------------------------------------------------------------------

# name, synonym, server, server call, client
COMMON_MODULES = [
    ("кб_КэшбэкКлиентHTTP", "Кэшбэк: HTTP-клиент API Битрикс", True, False, False),
    ("кб_КэшбэкСервер", "Кэшбэк: касса (баланс, списание) и оператор", True, False, False),
    ("кб_КэшбэкВызовСервера", "Кэшбэк: вызов сервера для формы кассира и команд", True, True, False),
    ("кб_КэшбэкОчередь", "Кэшбэк: офлайн-очередь", True, False, False),
    ("кб_КэшбэкСобытия", "Кэшбэк: подписки на события чека", True, False, False),
    ("кб_КэшбэкДанныеЧека", "Кэшбэк: реквизиты чека (адаптировать)", True, False, False),
]

# name, synonym, tooltip
COMMON_COMMANDS = [
    ("кб_ПовторитьОтправкуКэшбэк", "Повторить отправку", "Вернуть выбранные записи из списка ошибок в очередь"),
    ("кб_ПроверитьВИсторииКэшбэк", "Проверить в истории Битрикс",
     "Найти операции в истории покупателя в Битрикс и удалить учтенные из очереди"),
    ("кб_ОтправитьОчередьКэшбэк", "Отправить очередь сейчас", "Отправить очередь, не дожидаясь регламентного задания"),
]

ROLE = ("кб_ОператорКэшбэк", "Кэшбэк: оператор очереди и настройки")

SCHEDULED_JOB = ("кб_ОтправкаОчередиКэшбэк", "Отправка очереди кэшбэка в Битрикс",
                 "CommonModule.кб_КэшбэкОчередь.ОтправитьОчередьРегламентно")

# Documents borrowed from the configuration (bind_to_configuration.py puts in their UUIDs).
BORROWED_DOCUMENTS = ["ЧекККМ", "ЧекККМВозврат"]

# name, synonym, source (a borrowed document), event, handler
EVENT_SUBSCRIPTIONS = [
    ("кб_ЧекККМПроведениеКэшбэк", "Кэшбэк: проведение чека ККМ", "ЧекККМ", "Posting",
     "CommonModule.кб_КэшбэкСобытия.ЧекККМОбработкаПроведенияКэшбэк"),
    ("кб_ЧекККМЗаписьКэшбэк", "Кэшбэк: запись чека ККМ", "ЧекККМ", "OnWrite",
     "CommonModule.кб_КэшбэкСобытия.ЧекККМПриЗаписиКэшбэк"),
    ("кб_ЧекККМОтменаПроведенияКэшбэк", "Кэшбэк: отмена проведения чека ККМ", "ЧекККМ", "UndoPosting",
     "CommonModule.кб_КэшбэкСобытия.ЧекККМОбработкаУдаленияПроведенияКэшбэк"),
    ("кб_ЧекККМВозвратПроведениеКэшбэк", "Кэшбэк: проведение возврата по чеку ККМ", "ЧекККМВозврат", "Posting",
     "CommonModule.кб_КэшбэкСобытия.ЧекККМВозвратОбработкаПроведенияКэшбэк"),
]

ENUM = ("кб_СостоянияОчередиКэшбэк", "Состояния очереди кэшбэка", [
    ("Ожидает", "Ожидает отправки"),
    ("Отложено", "Отложено (временный сбой)"),
    ("ОшибкаДанных", "Ошибка данных (оператору)"),
    ("Конфликт", "Конфликт списания (решает кассир)"),
])


def string(length: int) -> tuple:
    return ("string", length)


def number(digits: int, fraction: int, nonnegative: bool = False) -> tuple:
    return ("number", digits, fraction, nonnegative)


DATETIME = ("datetime",)
BOOLEAN = ("boolean",)
STATE = ("enum", ENUM[0])

INDEXED = "Index"  # a field's Indexing (real dumps: DontIndex, Index, IndexWithAdditionalOrder)

# name, synonym, [dimensions], [resources]; a field: (name, synonym, type[, indexing])
REGISTERS = [
    ("кб_ОчередьКэшбэк", "Очередь кэшбэка (Битрикс)",
     [("ВнешнийИД", "Внешний ИД (external_id)", string(128))],
     [("ТелоJSON", "Тело JSON", string(0)),
      ("Операция", "Операция", string(20)),
      ("Телефон", "Телефон покупателя", string(32)),
      ("Сумма", "Сумма", number(15, 2)),
      ("ЧислоПопыток", "Число попыток", number(10, 0, True)),
      ("СледующаяПопытка", "Следующая попытка", DATETIME),
      ("ПоследняяОшибка", "Последняя ошибка", string(0)),
      ("Состояние", "Состояние", STATE),
      ("Очередность", "Очередность", number(20, 0, True)),
      ("Создана", "Создана", DATETIME)]),
    ("кб_ОперацииЧековКэшбэк", "Операции кэшбэка по чекам",
     [("ВнешнийИД", "Внешний ИД (external_id)", string(128))],
     [("Операция", "Операция", string(20)),
      ("Сумма", "Сумма", number(15, 2)),
      ("Телефон", "Телефон покупателя", string(32)),
      ("Описание", "Описание", string(1000)),
      ("ИдентификаторМагазина", "Идентификатор магазина (store_id)", string(64)),
      ("ДатаДокумента", "Дата документа", DATETIME),
      ("ИсходныйВнешнийИД", "Исходная операция (original_external_id)", string(128)),
      ("Отправлялась", "Отправлялась на сервер", BOOLEAN),
      ("Подтверждена", "Подтверждена сервером", BOOLEAN),
      ("ДатаРегистрации", "Дата регистрации", DATETIME),
      ("КлючЧека", "Ключ документа (УИД ссылки)", string(36), INDEXED),
      ("ВидДокумента", "Вид документа", string(40)),
      ("СуммаЧека", "Сумма чека (база начисления)", number(15, 2)),
      ("ПоставленаВОчередь", "Поставлена в очередь", BOOLEAN),
      ("Решение", "Решение по конфликту", string(20)),
      ("РешениеПринял", "Решение принял", string(100)),
      ("ДатаРешения", "Дата решения", DATETIME)]),
    ("кб_ОтложенныеЧекиКэшбэк", "Чеки к повторной обработке (кэшбэк)",
     [("КлючЧека", "Ключ документа (УИД ссылки)", string(36)),
      ("ВидДокумента", "Вид документа", string(40))],
     [("Событие", "Событие", string(30)),
      ("ПоследняяОшибка", "Последняя ошибка", string(0)),
      ("ЧислоПопыток", "Число попыток", number(10, 0, True)),
      ("Создана", "Создана", DATETIME)]),
    ("кб_НастройкиКэшбэк", "Настройки кэшбэка (Битрикс)",
     [],
     [("Сервер", "Сервер (хост)", string(255)),
      ("Порт", "Порт (0 - 443 или 80)", number(5, 0, True)),
      ("ЗащищенноеСоединение", "Защищенное соединение (HTTPS)", BOOLEAN),
      ("КлючAPI", "Ключ API (X-API-Key)", string(200)),
      ("Таймаут", "Таймаут, секунд (0 - 30)", number(3, 0, True)),
      ("РазмерПакета", "Размер пакета (0 - 100)", number(5, 0, True)),
      ("БазовыйПуть", "Базовый путь API", string(255)),
      ("ИдентификаторМагазина", "Идентификатор магазина (store_id)", string(64)),
      ("ПроцентНачисления", "Процент начисления кэшбэка", number(5, 2, True)),
      ("Профиль", "Профиль конфигурации (пусто - определить)", string(20)),
      ("ТаймаутКассы", "Таймаут на кассе, секунд (0 - 5)", number(3, 0, True)),
      ("МаксимумПопыток", "Попыток до ошибки (0 - 50)", number(5, 0, True))]),
    ("кб_ИзвестныеБалансыКэшбэк", "Последние известные балансы кэшбэка",
     [("Телефон", "Телефон", string(32))],
     [("Баланс", "Баланс", number(15, 2)),
      ("Получен", "Получен", DATETIME)]),
]

OPERATOR_REGISTERS = ["кб_ОчередьКэшбэк", "кб_НастройкиКэшбэк", "кб_ОперацииЧековКэшбэк", "кб_ИзвестныеБалансыКэшбэк",
                      "кб_ОтложенныеЧекиКэшбэк"]


# ---- writing -------------------------------------------------------------------------------

def uid(*parts: str) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join(parts)))


def synonym(text: str, indent: str) -> str:
    if not text:
        return f"{indent}<Synonym/>\n"
    return (f"{indent}<Synonym>\n{indent}\t<v8:item>\n{indent}\t\t<v8:lang>ru</v8:lang>\n"
            f"{indent}\t\t<v8:content>{escape(text)}</v8:content>\n{indent}\t</v8:item>\n{indent}</Synonym>\n")


def localized(tag: str, text: str, indent: str) -> str:
    return synonym(text, indent).replace("<Synonym", f"<{tag}").replace("</Synonym>", f"</{tag}>")


def document(body: str) -> str:
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<MetaDataObject {NS} version="{FORMAT}">\n{body}</MetaDataObject>'


def generated_types(kind: str, name: str, categories: list[tuple[str, str]], indent: str = "\t\t\t") -> str:
    out = []
    for prefix, category in categories:
        out.append(
            f'{indent}<xr:GeneratedType name="{prefix}.{name}" category="{category}">\n'
            f"{indent}\t<xr:TypeId>{uid(kind, name, prefix, 'type')}</xr:TypeId>\n"
            f"{indent}\t<xr:ValueId>{uid(kind, name, prefix, 'value')}</xr:ValueId>\n"
            f"{indent}</xr:GeneratedType>\n")
    return "".join(out)


def type_xml(kind: tuple, indent: str) -> str:
    if kind[0] == "string":
        return (f"{indent}<v8:Type>xs:string</v8:Type>\n{indent}<v8:StringQualifiers>\n"
                f"{indent}\t<v8:Length>{kind[1]}</v8:Length>\n{indent}\t<v8:AllowedLength>Variable</v8:AllowedLength>\n"
                f"{indent}</v8:StringQualifiers>\n")
    if kind[0] == "number":
        sign = "Nonnegative" if kind[3] else "Any"
        return (f"{indent}<v8:Type>xs:decimal</v8:Type>\n{indent}<v8:NumberQualifiers>\n"
                f"{indent}\t<v8:Digits>{kind[1]}</v8:Digits>\n{indent}\t<v8:FractionDigits>{kind[2]}</v8:FractionDigits>\n"
                f"{indent}\t<v8:AllowedSign>{sign}</v8:AllowedSign>\n{indent}</v8:NumberQualifiers>\n")
    if kind[0] == "datetime":
        return (f"{indent}<v8:Type>xs:dateTime</v8:Type>\n{indent}<v8:DateQualifiers>\n"
                f"{indent}\t<v8:DateFractions>DateTime</v8:DateFractions>\n{indent}</v8:DateQualifiers>\n")
    if kind[0] == "boolean":
        return f"{indent}<v8:Type>xs:boolean</v8:Type>\n"
    if kind[0] == "enum":
        return f"{indent}<v8:Type>cfg:EnumRef.{kind[1]}</v8:Type>\n"
    raise ValueError(kind)


def fill_value(kind: tuple) -> str:
    if kind[0] == "string":
        return '<FillValue xsi:type="xs:string"/>'
    return '<FillValue xsi:nil="true"/>'


def register_field(tag: str, register: str, field: tuple, main_filter: bool) -> str:
    name, syn, kind = field[:3]
    indexing = field[3] if len(field) > 3 else "DontIndex"
    i = "\t\t\t\t\t"
    extra = ""
    if tag == "Dimension":
        extra = (f"{i}<Master>false</Master>\n{i}<MainFilter>{'true' if main_filter else 'false'}</MainFilter>\n"
                 f"{i}<DenyIncompleteValues>true</DenyIncompleteValues>\n{i}<Indexing>{indexing}</Indexing>\n"
                 f"{i}<FullTextSearch>DontUse</FullTextSearch>\n{i}<DataHistory>Use</DataHistory>\n")
    else:
        extra = (f"{i}<Indexing>{indexing}</Indexing>\n{i}<FullTextSearch>DontUse</FullTextSearch>\n"
                 f"{i}<DataHistory>Use</DataHistory>\n")
    multiline = "true" if kind == ("string", 0) else "false"
    return (f'\t\t\t<{tag} uuid="{uid("InformationRegister", register, tag, name)}">\n'
            f"\t\t\t\t<Properties>\n{i}<Name>{name}</Name>\n{synonym(syn, i)}{i}<Comment/>\n{i}<Type>\n"
            f"{type_xml(kind, i + chr(9))}{i}</Type>\n"
            f"{i}<PasswordMode>false</PasswordMode>\n{i}<Format/>\n{i}<EditFormat/>\n{i}<ToolTip/>\n"
            f"{i}<MarkNegatives>false</MarkNegatives>\n{i}<Mask/>\n{i}<MultiLine>{multiline}</MultiLine>\n"
            f"{i}<ExtendedEdit>{multiline}</ExtendedEdit>\n"
            f'{i}<MinValue xsi:nil="true"/>\n{i}<MaxValue xsi:nil="true"/>\n'
            f"{i}<FillFromFillingValue>false</FillFromFillingValue>\n{i}{fill_value(kind)}\n"
            f"{i}<FillChecking>DontCheck</FillChecking>\n{i}<ChoiceFoldersAndItems>Items</ChoiceFoldersAndItems>\n"
            f"{i}<ChoiceParameterLinks/>\n{i}<ChoiceParameters/>\n{i}<QuickChoice>Auto</QuickChoice>\n"
            f"{i}<CreateOnInput>Auto</CreateOnInput>\n{i}<ChoiceForm/>\n{i}<LinkByType/>\n"
            f"{i}<ChoiceHistoryOnInput>Auto</ChoiceHistoryOnInput>\n{extra}"
            f"\t\t\t\t</Properties>\n\t\t\t</{tag}>\n")


def information_register(name: str, syn: str, dimensions: list, resources: list) -> str:
    i = "\t\t\t"
    categories = [("InformationRegisterRecord", "Record"), ("InformationRegisterManager", "Manager"),
                  ("InformationRegisterSelection", "Selection"), ("InformationRegisterList", "List"),
                  ("InformationRegisterRecordSet", "RecordSet"), ("InformationRegisterRecordKey", "RecordKey"),
                  ("InformationRegisterRecordManager", "RecordManager")]
    fields = "".join(register_field("Dimension", name, d, True) for d in dimensions)
    fields += "".join(register_field("Resource", name, r, False) for r in resources)
    return document(
        f'\t<InformationRegister uuid="{uid("InformationRegister", name)}">\n\t\t<InternalInfo>\n'
        f"{generated_types('InformationRegister', name, categories)}\t\t</InternalInfo>\n\t\t<Properties>\n"
        f"{i}<Name>{name}</Name>\n{synonym(syn, i)}{i}<Comment/>\n"
        f"{i}<UseStandardCommands>true</UseStandardCommands>\n{i}<EditType>InDialog</EditType>\n"
        f"{i}<DefaultRecordForm/>\n{i}<DefaultListForm/>\n{i}<AuxiliaryRecordForm/>\n{i}<AuxiliaryListForm/>\n"
        f"{i}<InformationRegisterPeriodicity>Nonperiodical</InformationRegisterPeriodicity>\n"
        f"{i}<WriteMode>Independent</WriteMode>\n{i}<MainFilterOnPeriod>false</MainFilterOnPeriod>\n"
        f"{i}<IncludeHelpInContents>false</IncludeHelpInContents>\n{i}<DataLockControlMode>Managed</DataLockControlMode>\n"
        f"{i}<FullTextSearch>DontUse</FullTextSearch>\n{i}<EnableTotalsSliceFirst>false</EnableTotalsSliceFirst>\n"
        f"{i}<EnableTotalsSliceLast>false</EnableTotalsSliceLast>\n{i}<RecordPresentation/>\n"
        f"{i}<ExtendedRecordPresentation/>\n{localized('ListPresentation', syn, i)}{i}<ExtendedListPresentation/>\n"
        f"{i}<Explanation/>\n{i}<DataHistory>DontUse</DataHistory>\n"
        f"{i}<UpdateDataHistoryImmediatelyAfterWrite>false</UpdateDataHistoryImmediatelyAfterWrite>\n"
        f"{i}<ExecuteAfterWriteDataHistoryVersionProcessing>false</ExecuteAfterWriteDataHistoryVersionProcessing>\n"
        f"\t\t</Properties>\n\t\t<ChildObjects>\n{fields}\t\t</ChildObjects>\n\t</InformationRegister>\n")


def enum_xml() -> str:
    name, syn, values = ENUM
    i = "\t\t\t"
    categories = [("EnumRef", "Ref"), ("EnumManager", "Manager"), ("EnumList", "List")]
    children = "".join(
        f'\t\t\t<EnumValue uuid="{uid("Enum", name, value)}">\n\t\t\t\t<Properties>\n'
        f"\t\t\t\t\t<Name>{value}</Name>\n{synonym(vsyn, chr(9) * 5)}\t\t\t\t\t<Comment/>\n"
        f"\t\t\t\t</Properties>\n\t\t\t</EnumValue>\n" for value, vsyn in values)
    return document(
        f'\t<Enum uuid="{uid("Enum", name)}">\n\t\t<InternalInfo>\n{generated_types("Enum", name, categories)}'
        f"\t\t</InternalInfo>\n\t\t<Properties>\n{i}<Name>{name}</Name>\n{synonym(syn, i)}{i}<Comment/>\n"
        f"{i}<UseStandardCommands>false</UseStandardCommands>\n{i}<Characteristics/>\n"
        f"{i}<QuickChoice>true</QuickChoice>\n{i}<ChoiceMode>BothWays</ChoiceMode>\n{i}<DefaultListForm/>\n"
        f"{i}<DefaultChoiceForm/>\n{i}<AuxiliaryListForm/>\n{i}<AuxiliaryChoiceForm/>\n{i}<ListPresentation/>\n"
        f"{i}<ExtendedListPresentation/>\n{i}<Explanation/>\n{i}<ChoiceHistoryOnInput>Auto</ChoiceHistoryOnInput>\n"
        f"\t\t</Properties>\n\t\t<ChildObjects>\n{children}\t\t</ChildObjects>\n\t</Enum>\n")


def common_module(name: str, syn: str, server: bool, server_call: bool, client: bool) -> str:
    i = "\t\t\t"
    b = lambda v: "true" if v else "false"  # noqa: E731
    return document(
        f'\t<CommonModule uuid="{uid("CommonModule", name)}">\n\t\t<Properties>\n{i}<Name>{name}</Name>\n'
        f"{synonym(syn, i)}{i}<Comment/>\n{i}<Global>false</Global>\n"
        f"{i}<ClientManagedApplication>{b(client)}</ClientManagedApplication>\n{i}<Server>{b(server)}</Server>\n"
        f"{i}<ExternalConnection>{b(server and not server_call)}</ExternalConnection>\n"
        f"{i}<ClientOrdinaryApplication>{b(client or (server and not server_call))}</ClientOrdinaryApplication>\n"
        f"{i}<ServerCall>{b(server_call)}</ServerCall>\n"
        f"{i}<Privileged>false</Privileged>\n{i}<ReturnValuesReuse>DontUse</ReturnValuesReuse>\n"
        f"\t\t</Properties>\n\t</CommonModule>\n")


def common_command(name: str, syn: str, tooltip: str) -> str:
    i = "\t\t\t"
    return document(
        f'\t<CommonCommand uuid="{uid("CommonCommand", name)}">\n\t\t<Properties>\n{i}<Name>{name}</Name>\n'
        f"{synonym(syn, i)}{i}<Comment/>\n{i}<Group>FormCommandBarImportant</Group>\n"
        f"{i}<Representation>Auto</Representation>\n{localized('ToolTip', tooltip, i)}{i}<Picture/>\n{i}<Shortcut/>\n"
        f"{i}<IncludeHelpInContents>false</IncludeHelpInContents>\n{i}<CommandParameterType>\n"
        f"{i}\t<v8:Type>cfg:InformationRegisterRecordKey.кб_ОчередьКэшбэк</v8:Type>\n{i}</CommandParameterType>\n"
        f"{i}<ParameterUseMode>Multiple</ParameterUseMode>\n{i}<ModifiesData>true</ModifiesData>\n"
        f"{i}<OnMainServerUnavalableBehavior>Auto</OnMainServerUnavalableBehavior>\n"
        f"\t\t</Properties>\n\t</CommonCommand>\n")


def scheduled_job() -> str:
    name, syn, method = SCHEDULED_JOB
    i = "\t\t\t"
    return document(
        f'\t<ScheduledJob uuid="{uid("ScheduledJob", name)}">\n\t\t<Properties>\n{i}<Name>{name}</Name>\n'
        f"{synonym(syn, i)}{i}<Comment/>\n{i}<MethodName>{method}</MethodName>\n"
        f"{i}<Description>{escape(syn)}</Description>\n{i}<Key/>\n{i}<Use>false</Use>\n"
        f"{i}<Predefined>true</Predefined>\n{i}<RestartCountOnFailure>3</RestartCountOnFailure>\n"
        f"{i}<RestartIntervalOnFailure>10</RestartIntervalOnFailure>\n\t\t</Properties>\n\t</ScheduledJob>\n")


def event_subscription(name: str, syn: str, source: str, event: str, handler: str) -> str:
    i = "\t\t\t"
    return document(
        f'\t<EventSubscription uuid="{uid("EventSubscription", name)}">\n\t\t<Properties>\n{i}<Name>{name}</Name>\n'
        f"{synonym(syn, i)}{i}<Comment/>\n{i}<Source>\n{i}\t<v8:Type>cfg:DocumentObject.{source}</v8:Type>\n"
        f"{i}</Source>\n{i}<Event>{event}</Event>\n{i}<Handler>{handler}</Handler>\n"
        f"\t\t</Properties>\n\t</EventSubscription>\n")


def adopted_document(name: str) -> str:
    i = "\t\t\t"
    categories = [("DocumentObject", "Object"), ("DocumentRef", "Ref"), ("DocumentSelection", "Selection"),
                  ("DocumentList", "List"), ("DocumentManager", "Manager")]
    return document(
        f'\t<Document uuid="{uid("Document", name)}">\n\t\t<InternalInfo>\n{generated_types("Document", name, categories)}'
        f"\t\t</InternalInfo>\n\t\t<Properties>\n{i}<Name>{name}</Name>\n{i}<Comment/>\n"
        f"{i}<ObjectBelonging>Adopted</ObjectBelonging>\n"
        f"{i}<ExtendedConfigurationObject>{PLACEHOLDER}</ExtendedConfigurationObject>\n{i}<RegisterRecords/>\n"
        f"\t\t</Properties>\n\t\t<ChildObjects/>\n\t</Document>\n")


def language() -> str:
    i = "\t\t\t"
    return document(
        f'\t<Language uuid="{uid("Language", "Русский")}">\n\t\t<InternalInfo/>\n\t\t<Properties>\n'
        f"{i}<Name>Русский</Name>\n{i}<Comment/>\n{i}<ObjectBelonging>Adopted</ObjectBelonging>\n"
        f"{i}<ExtendedConfigurationObject>{PLACEHOLDER}</ExtendedConfigurationObject>\n"
        f"{i}<LanguageCode>ru</LanguageCode>\n\t\t</Properties>\n\t</Language>\n")


def role() -> str:
    name, syn = ROLE
    i = "\t\t\t"
    return document(
        f'\t<Role uuid="{uid("Role", name)}">\n\t\t<Properties>\n{i}<Name>{name}</Name>\n'
        f"{synonym(syn, i)}{i}<Comment/>\n\t\t</Properties>\n\t</Role>\n")


def rights() -> str:
    def obj(name: str, names: list[str]) -> str:
        rs = "".join(f"\t\t<right>\n\t\t\t<name>{r}</name>\n\t\t\t<value>true</value>\n\t\t</right>\n" for r in names)
        return f"\t<object>\n\t\t<name>{name}</name>\n{rs}\t</object>\n"
    register_rights = ["Read", "Update", "View", "Edit", "TotalsControl"]
    body = "".join(obj(f"InformationRegister.{r}", register_rights) for r in OPERATOR_REGISTERS)
    body += "".join(obj(f"CommonCommand.{c[0]}", ["View"]) for c in COMMON_COMMANDS)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<Rights xmlns="http://v8.1c.ru/8.2/roles" '
            'xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            f'xsi:type="Rights" version="{FORMAT}">\n\t<setForNewObjects>false</setForNewObjects>\n'
            "\t<setForAttributesByDefault>true</setForAttributesByDefault>\n"
            f"\t<independentRightsOfChildObjects>false</independentRightsOfChildObjects>\n{body}</Rights>")


def configuration() -> str:
    i = "\t\t\t"
    contained = "".join(
        f"\t\t\t<xr:ContainedObject>\n\t\t\t\t<xr:ClassId>{c}</xr:ClassId>\n"
        f"\t\t\t\t<xr:ObjectId>{uid('Configuration', c)}</xr:ObjectId>\n\t\t\t</xr:ContainedObject>\n"
        for c in CONTAINED_CLASS_IDS)
    children = ["<Language>Русский</Language>", f"<Role>{ROLE[0]}</Role>"]
    children += [f"<CommonModule>{m[0]}</CommonModule>" for m in COMMON_MODULES]
    children += [f"<EventSubscription>{e[0]}</EventSubscription>" for e in EVENT_SUBSCRIPTIONS]
    children += [f"<ScheduledJob>{SCHEDULED_JOB[0]}</ScheduledJob>"]
    children += [f"<CommonCommand>{c[0]}</CommonCommand>" for c in COMMON_COMMANDS]
    children += [f"<Document>{d}</Document>" for d in BORROWED_DOCUMENTS]
    children += [f"<Enum>{ENUM[0]}</Enum>"]
    children += [f"<InformationRegister>{r[0]}</InformationRegister>" for r in REGISTERS]
    child_xml = "".join(f"{i}{c}\n" for c in children)
    return document(
        f'\t<Configuration uuid="{uid("Configuration", NAME)}">\n\t\t<InternalInfo>\n{contained}\t\t</InternalInfo>\n'
        f"\t\t<Properties>\n{i}<Name>{NAME}</Name>\n"
        f"{synonym('Кэшбэк: обмен с 1С-Битрикс', i)}{i}<Comment/>\n"
        f"{i}<ConfigurationExtensionPurpose>AddOn</ConfigurationExtensionPurpose>\n"
        f"{i}<ObjectBelonging>Adopted</ObjectBelonging>\n"
        f"{i}<KeepMappingToExtendedConfigurationObjectsByIDs>false</KeepMappingToExtendedConfigurationObjectsByIDs>\n"
        f"{i}<NamePrefix>{PREFIX}</NamePrefix>\n"
        f"{i}<ConfigurationExtensionCompatibilityMode>{COMPATIBILITY}</ConfigurationExtensionCompatibilityMode>\n"
        f"{i}<DefaultRunMode>ManagedApplication</DefaultRunMode>\n{i}<UsePurposes>\n"
        f'{i}\t<v8:Value xsi:type="app:ApplicationUsePurpose">PlatformApplication</v8:Value>\n{i}</UsePurposes>\n'
        f"{i}<ScriptVariant>Russian</ScriptVariant>\n{i}<Vendor/>\n{i}<Version>{VERSION}</Version>\n"
        f"{i}<DefaultLanguage>Language.Русский</DefaultLanguage>\n"
        f"{localized('BriefInformation', 'Начисление и списание кэшбэка через API 1С-Битрикс, офлайн-очередь', i)}"
        f"{i}<DetailedInformation/>\n{i}<Copyright/>\n{i}<VendorInformationAddress/>\n"
        f"{i}<ConfigurationInformationAddress/>\n"
        f"{i}<InterfaceCompatibilityMode>{INTERFACE_COMPATIBILITY}</InterfaceCompatibilityMode>\n"
        f"\t\t</Properties>\n\t\t<ChildObjects>\n{child_xml}\t\t</ChildObjects>\n\t</Configuration>\n")


# ---- ConfigDumpInfo.xml ---------------------------------------------------------------------

DUMP_INFO = Path("ConfigDumpInfo.xml")
MD = "{http://v8.1c.ru/8.3/MDClasses}"
FOLDERS = {"Language": "Languages", "Role": "Roles", "CommonModule": "CommonModules",
           "EventSubscription": "EventSubscriptions", "ScheduledJob": "ScheduledJobs",
           "CommonCommand": "CommonCommands", "Document": "Documents", "Enum": "Enums",
           "InformationRegister": "InformationRegisters"}
# Files of an object besides its description that a dump lists as entries of their own:
# kind -> [(entry suffix, path under Folder/Name/, id suffix)], as in real dumps.
OBJECT_FILES = {"CommonModule": [("Module", "Ext/Module.bsl", "0")],
                "CommonCommand": [("CommandModule", "Ext/CommandModule.bsl", "2")],
                "Role": [("Rights", "Ext/Rights.xml", "0")]}


def config_version(data: bytes) -> str:
    """40 hex digits, the shape of the platform's configVersion (see the module docstring)."""
    return hashlib.sha1(data).hexdigest()


def dump_info(read: Callable[[Path], Optional[bytes]]) -> str:
    """ConfigDumpInfo.xml for the dump whose files read() gives (None: no such file): built from
    Configuration.xml and the objects' own files, so it lists exactly what they hold."""
    def attr(text: str) -> str:
        return escape(text, {'"': "&quot;"})

    def element(tag: str, root: ET.Element) -> ET.Element:
        return root.find(f"{MD}{tag}")

    config_bytes = read(Path("Configuration.xml"))
    configuration = element("Configuration", ET.fromstring(config_bytes))
    entries = [(f"Configuration.{element('Properties', configuration).find(MD + 'Name').text}",
                configuration.get("uuid"), config_version(config_bytes), [])]
    for child in element("ChildObjects", configuration):
        kind, name = child.tag[len(MD):], child.text
        folder = FOLDERS[kind]
        data = read(Path(folder, f"{name}.xml"))
        if data is None:
            raise SystemExit(f"Configuration.xml lists {kind} {name}, but {folder}/{name}.xml is missing")
        obj = ET.fromstring(data)[0]
        nested = []
        children = obj.find(f"{MD}ChildObjects")
        for field in (children if children is not None else []):
            if field.get("uuid"):
                field_name = field.find(f"{MD}Properties/{MD}Name").text
                nested.append((f"{kind}.{name}.{field.tag[len(MD):]}.{field_name}", field.get("uuid")))
        entries.append((f"{kind}.{name}", obj.get("uuid"), config_version(data), sorted(nested, key=lambda e: e[1])))
        for suffix, relative, id_suffix in OBJECT_FILES.get(kind, []):
            extra = read(Path(folder, name, relative))
            if extra is None:
                continue
            entry_id = f"{obj.get('uuid')}.{id_suffix}"
            version = config_version(extra if relative.endswith(".xml") else entry_id.encode())
            entries.append((f"{kind}.{name}.{suffix}", entry_id, version, []))
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<ConfigDumpInfo xmlns="http://v8.1c.ru/8.3/xcf/dumpinfo" xmlns:xen="http://v8.1c.ru/8.3/xcf/enums" '
             'xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
             f'format="Hierarchical" version="{FORMAT}">', "\t<ConfigVersions>"]
    for entry_name, entry_id, version, nested in sorted(entries):
        head = f'\t\t<Metadata name="{attr(entry_name)}" id="{entry_id}" configVersion="{version}"'
        if not nested:
            lines.append(head + "/>")
            continue
        lines.append(head + ">")
        lines += [f'\t\t\t<Metadata name="{attr(n)}" id="{i}"/>' for n, i in nested]
        lines.append("\t\t</Metadata>")
    lines += ["\t</ConfigVersions>", "</ConfigDumpInfo>"]
    return "\n".join(lines)


def designer_text(text: str) -> bytes:
    """UTF-8 with BOM and CRLF, as Designer writes its dump."""
    text = text.lstrip(BOM).replace("\r\n", "\n").replace("\n", "\r\n")
    return (BOM + text).encode("utf-8")


def files() -> dict[Path, bytes]:
    out: dict[Path, str] = {
        Path("Configuration.xml"): configuration(),
        Path("Languages/Русский.xml"): language(),
        Path(f"Roles/{ROLE[0]}.xml"): role(),
        Path(f"Roles/{ROLE[0]}/Ext/Rights.xml"): rights(),
        Path(f"ScheduledJobs/{SCHEDULED_JOB[0]}.xml"): scheduled_job(),
        Path(f"Enums/{ENUM[0]}.xml"): enum_xml(),
    }
    for name in BORROWED_DOCUMENTS:
        out[Path(f"Documents/{name}.xml")] = adopted_document(name)
    for module in COMMON_MODULES:
        out[Path(f"CommonModules/{module[0]}.xml")] = common_module(*module)
    for command in COMMON_COMMANDS:
        out[Path(f"CommonCommands/{command[0]}.xml")] = common_command(*command)
    for subscription in EVENT_SUBSCRIPTIONS:
        out[Path(f"EventSubscriptions/{subscription[0]}.xml")] = event_subscription(*subscription)
    for register in REGISTERS:
        out[Path(f"InformationRegisters/{register[0]}.xml")] = information_register(*register)
    result = {path: designer_text(text) for path, text in out.items()}
    for module in sorted(ROOT.rglob("*.bsl")):
        result[module.relative_to(ROOT)] = designer_text(module.read_bytes().decode("utf-8"))
    result[DUMP_INFO] = designer_text(dump_info(result.get))
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="only compare; exit 1 when a file differs")
    parser.add_argument("--xml-only", action="store_true",
                        help="write (or compare) only the .xml files, leave the .bsl modules as they are")
    args = parser.parse_args()
    stale = []
    for relative, content in files().items():
        if args.xml_only and relative.suffix == ".bsl":
            continue
        path = ROOT / relative
        if path.exists() and path.read_bytes() == content:
            continue
        stale.append(str(relative))
        if not args.check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
    if args.check and stale:
        print("out of date (run python3 1c/tools/generate_xml.py):\n  " + "\n  ".join(stale))
        return 1
    if not args.check:
        print(f"{len(stale)} file(s) written under {ROOT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
