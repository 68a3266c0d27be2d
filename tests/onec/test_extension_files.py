"""The extension's Designer dump (1c/extension) is internally consistent: what
can be checked without a 1C platform. Files are as the generator writes them
(BOM, CRLF, well-formed XML); every object Configuration.xml lists exists and
vice versa; subscription handlers, the scheduled job method and cross-module
calls name exported methods that exist; every subscription's source is a
borrowed document; register fields and enum values used in the BSL exist;
bind_to_configuration.py fills in a configuration's UUIDs and modes. The
dump's shape against real dumps is checked by test_dump_format.py."""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import onec_model as m

EXT = m.EXTENSION
TOOLS = m.REPO / "1c" / "tools"
MD = "{http://v8.1c.ru/8.3/MDClasses}"
FOLDERS = {"Language": "Languages", "Role": "Roles", "CommonModule": "CommonModules",
           "EventSubscription": "EventSubscriptions", "ScheduledJob": "ScheduledJobs",
           "CommonCommand": "CommonCommands", "Document": "Documents", "Enum": "Enums",
           "InformationRegister": "InformationRegisters"}
# Objects of the configuration (and of its БСП) the BSL relies on; a 1C developer must check them.
EXTERNAL = {"Перечисления.ТипыКонтактнойИнформации", "ОбщегоНазначения", "УправлениеКонтактнойИнформацией"}


def text(path: Path) -> str:
    return path.read_bytes().decode("utf-8-sig").replace("\r\n", "\n")


def modules() -> dict[str, str]:
    return {p.parent.parent.name: text(p) for p in (EXT / "CommonModules").glob("*/Ext/Module.bsl")}


def exported(module_text: str) -> dict[str, int]:
    found = {}
    for name, params in re.findall(r"^(?:Функция|Процедура) (\w+)\(([^)]*)\)[^\n]*Экспорт", module_text, re.M):
        found[name] = len([p for p in params.split(",") if p.strip()])
    return found


def register_fields() -> dict[str, set[str]]:
    out = {}
    for path in (EXT / "InformationRegisters").glob("*.xml"):
        root = ET.parse(path).getroot()
        out[path.stem] = {e.text for e in root.iter(f"{MD}Name")} - {path.stem}
    return out


def test_generated_files_are_up_to_date():
    done = subprocess.run([sys.executable, str(TOOLS / "generate_xml.py"), "--check"], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_files_are_utf8_with_bom_and_crlf_and_xml_is_well_formed():
    for path in list(EXT.rglob("*.xml")) + list(EXT.rglob("*.bsl")):
        raw = path.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf"), f"{path}: no BOM"
        assert b"\n" not in raw.replace(b"\r\n", b""), f"{path}: a bare LF"
        if path.suffix == ".xml":
            ET.fromstring(raw)


def test_configuration_lists_exactly_the_files():
    root = ET.parse(EXT / "Configuration.xml").getroot()
    listed = {(child.tag.replace(MD, ""), child.text) for child in root.find(f"{MD}Configuration/{MD}ChildObjects")}
    on_disk = {(kind, p.stem) for kind, folder in FOLDERS.items() for p in (EXT / folder).glob("*.xml")}
    assert listed == on_disk
    for kind, name in listed:
        if kind not in ("Language", "Document"):
            assert name.startswith("кб_"), f"{kind} {name} lacks the prefix кб_"
    for module in (EXT / "CommonModules").glob("*.xml"):
        assert (EXT / "CommonModules" / module.stem / "Ext" / "Module.bsl").is_file()
    for command in (EXT / "CommonCommands").glob("*.xml"):
        assert (EXT / "CommonCommands" / command.stem / "Ext" / "CommandModule.bsl").is_file()


def test_handlers_name_exported_methods_with_the_right_parameters():
    mods = modules()
    arity = {"Posting": 3, "UndoPosting": 2, "OnWrite": 2}  # OnWrite: e.g. УТ 11.5 ВариантыОтчетовПриУдаленииПользователя
    for path in (EXT / "EventSubscriptions").glob("*.xml"):
        body = text(path)
        _, module, method = re.search(r"<Handler>([^<]+)</Handler>", body).group(1).split(".")
        event = re.search(r"<Event>([^<]+)</Event>", body).group(1)
        assert exported(mods[module]).get(method) == arity[event], (path.name, module, method)
        sources = re.findall(r"<v8:Type>cfg:DocumentObject\.(\w+)</v8:Type>", body)
        assert sources, path.name
        for source in sources:
            document = EXT / "Documents" / f"{source}.xml"
            assert document.is_file() and "<ObjectBelonging>Adopted</ObjectBelonging>" in text(document), \
                (path.name, source)
        assert not re.search(r"ВызовСервера>true", text(EXT / "CommonModules" / f"{module}.xml"))
    job = text(EXT / "ScheduledJobs" / "кб_ОтправкаОчередиКэшбэк.xml")
    _, module, method = re.search(r"<MethodName>([^<]+)</MethodName>", job).group(1).split(".")
    assert exported(mods[module]).get(method) == 0


def test_cross_module_calls_name_exported_methods():
    mods = modules()
    sources = dict(mods)
    sources.update({p.parent.parent.name: text(p) for p in (EXT / "CommonCommands").glob("*/Ext/CommandModule.bsl")})
    for name, source in sources.items():
        for module, method in re.findall(r"(?<![.\w])(кб_\w+)\.(\w+)\(", source):
            assert module in mods, f"{name}: unknown module {module}"
            assert method in exported(mods[module]), f"{name}: {module}.{method} is not exported"


def test_metadata_references_exist():
    fields = register_fields()
    enum = ET.parse(EXT / "Enums" / "кб_СостоянияОчередиКэшбэк.xml").getroot()
    enum_values = {e.text for e in enum.iter(f"{MD}Name")} - {"кб_СостоянияОчередиКэшбэк"}
    for name, source in modules().items():
        for register in re.findall(r"(?:РегистрыСведений|РегистрСведений)\.(\w+)", source):
            assert register in fields, f"{name}: unknown register {register}"
        for value in re.findall(r"Перечисления\.кб_СостоянияОчередиКэшбэк\.(\w+)", source):
            assert value in enum_values, f"{name}: unknown enum value {value}"
        # not Метаданные.Перечисления.Найти(...) nor ЗначенияПеречисления.Найти(...): no enum there
        for found in re.findall(r"(?<![\w.])Перечисления\.(\w+)", source):
            assert found.startswith("кб_") or f"Перечисления.{found}" in EXTERNAL, f"{name}: Перечисления.{found}"
        for job in re.findall(r"Метаданные\.РегламентныеЗадания\.(\w+)", source):
            assert (EXT / "ScheduledJobs" / f"{job}.xml").is_file(), job
        # record managers and record sets: every field used belongs to the register
        for function in re.split(r"\n(?=(?:Функция|Процедура) )", source):
            variables = dict(re.findall(r"(\w+) = РегистрыСведений\.(\w+)\.СоздатьМенеджерЗаписи\(\)", function))
            for variable, register in variables.items():
                for field in re.findall(rf"\b{variable}\.(\w+)", function):
                    assert field in fields[register] | {"Прочитать", "Записать", "Выбран", "Удалить"}, \
                        f"{name}: {register} has no {field}"
            for alias_field in re.findall(r"Очередь\.(\w+) КАК", function):
                assert alias_field in fields["кб_ОчередьКэшбэк"], alias_field


def test_register_fields_looked_up_by_key_are_indexed():
    register = ET.parse(EXT / "InformationRegisters" / "кб_ОперацииЧековКэшбэк.xml").getroot()
    indexing = {field.find(f"{MD}Properties/{MD}Name").text: field.find(f"{MD}Properties/{MD}Indexing").text
                for field in register.iter(f"{MD}Resource")}
    assert indexing["КлючЧека"] == "Index"


def test_bind_to_configuration_fills_in_uuids_and_modes(tmp_path):
    dump = tmp_path / "cf"
    (dump / "Languages").mkdir(parents=True)
    (dump / "Documents").mkdir()
    (dump / "Configuration.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<MetaDataObject xmlns="http://v8.1c.ru/8.3/MDClasses" version="2.17">'
        "<Configuration><Properties><InterfaceCompatibilityMode>TaxiEnableVersion8_2</InterfaceCompatibilityMode>"
        "<CompatibilityMode>Version8_3_21</CompatibilityMode></Properties></Configuration></MetaDataObject>",
        encoding="utf-8-sig")
    write_borrowed_objects(dump)
    (dump / "Documents" / "ЧекККМВозврат.xml").write_text(
        '<MetaDataObject><Document uuid="77777777-8888-9999-0000-111111111111"/></MetaDataObject>', encoding="utf-8")
    out = tmp_path / "bound"
    done = subprocess.run([sys.executable, str(TOOLS / "bind_to_configuration.py"), "--dump", str(dump), "--out", str(out)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "<ExtendedConfigurationObject>11111111-2222-3333-4444-555555555555<" in text(out / "Languages" / "Русский.xml")
    assert "<ExtendedConfigurationObject>66666666-7777-8888-9999-000000000000<" in text(out / "Documents" / "ЧекККМ.xml")
    assert "<ExtendedConfigurationObject>77777777-8888-9999-0000-111111111111<" in \
        text(out / "Documents" / "ЧекККМВозврат.xml")
    configuration = text(out / "Configuration.xml")
    assert "<ConfigurationExtensionCompatibilityMode>Version8_3_21<" in configuration
    assert "<InterfaceCompatibilityMode>TaxiEnableVersion8_2<" in configuration
    assert "2.17" in done.stdout
    for path in out.rglob("*.xml"):
        raw = path.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf") and b"\n" not in raw.replace(b"\r\n", b""), path
        ET.fromstring(raw)


def write_borrowed_objects(dump):
    """The language and the receipt document of a fake configuration dump, with their uuids."""
    (dump / "Languages" / "Русский.xml").write_text(
        '<MetaDataObject><Language uuid="11111111-2222-3333-4444-555555555555"/></MetaDataObject>', encoding="utf-8")
    (dump / "Documents" / "ЧекККМ.xml").write_text(
        '<MetaDataObject><Document uuid="66666666-7777-8888-9999-000000000000"/></MetaDataObject>', encoding="utf-8")


def test_bind_to_configuration_refuses_a_dump_without_the_return_document(tmp_path):
    dump = tmp_path / "cf"
    (dump / "Languages").mkdir(parents=True)
    (dump / "Documents").mkdir()
    (dump / "Configuration.xml").write_text("<MetaDataObject><Configuration/></MetaDataObject>", encoding="utf-8")
    write_borrowed_objects(dump)
    out = tmp_path / "bound"
    done = subprocess.run([sys.executable, str(TOOLS / "bind_to_configuration.py"), "--dump", str(dump), "--out", str(out)],
                          capture_output=True, text=True)
    assert done.returncode != 0 and "Documents/ЧекККМВозврат.xml" in done.stderr
    assert not out.exists()
