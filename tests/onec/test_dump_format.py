"""The extension's dump (1c/extension) has the shape of real Designer dumps of
configuration extensions in the format version it declares, as recorded with
their sources in 1c/facts/dump_format.json: the property order of
Configuration.xml and of each language, the files a dump has (ConfigDumpInfo.xml
among them), a ConfigDumpInfo.xml that lists exactly the objects of
Configuration.xml with their ids and child ids, and an InterfaceCompatibilityMode
real dumps use. A structural check only: whether the platform loads it is for a
1C developer to see (1c/README.md)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import onec_model as m

EXT = m.EXTENSION
TOOLS = m.REPO / "1c" / "tools"
FACTS = json.loads((m.REPO / "1c" / "facts" / "dump_format.json").read_text(encoding="utf-8"))
MD = "{http://v8.1c.ru/8.3/MDClasses}"
HEX40 = re.compile(r"[0-9a-f]{40}")


# ---- the check --------------------------------------------------------------------------------

def local(tag: str) -> str:
    return tag.split("}", 1)[1] if "}" in tag else tag


def property_names(path: Path, kind: str) -> list[str]:
    properties = ET.parse(path).getroot().find(f"{MD}{kind}/{MD}Properties")
    return [] if properties is None else [local(child.tag) for child in properties]


def subsequence(names: list[str], order: list[str]) -> bool:
    rest = iter(order)
    return all(name in rest for name in names)


def order_problems(what: str, names: list[str], variants: list[dict]) -> list[str]:
    """names must follow the order of one variant real dumps of the format show, with all it always has."""
    for variant in variants:
        if subsequence(names, variant["order"]) and set(variant["required"]) <= set(names):
            return []
    seen = "; ".join(f"ObjectBelonging {v['object_belonging']}: {v['order']}" for v in variants)
    return [f"{what}: properties {names} follow no real dump of this format ({seen})"]


def dump_info_problems(dump: Path, configuration: ET.Element, version: str,
                       children: list[tuple[str, str]]) -> list[str]:
    facts = FACTS["config_dump_info"]
    spec = facts["root"]
    problems = []
    root = ET.parse(dump / "ConfigDumpInfo.xml").getroot()
    namespace = "{" + spec["namespace"] + "}"
    if root.tag != f"{namespace}{spec['element']}":
        return [f"ConfigDumpInfo.xml: root {root.tag}, not {namespace}{spec['element']}"]
    if root.get("format") != spec["attributes"]["format"]:
        problems.append(f"ConfigDumpInfo.xml: format {root.get('format')}")
    if root.get("version") != version:
        problems.append(f"ConfigDumpInfo.xml: version {root.get('version')}, the dump's is {version}")
    holder = root.find(f"{namespace}ConfigVersions")
    if holder is None:
        return problems + ["ConfigDumpInfo.xml: no ConfigVersions"]
    entries = {entry.get("name"): entry for entry in holder}
    names = [entry.get("name") for entry in holder]
    if names != sorted(names):
        problems.append("ConfigDumpInfo.xml: entries are not ordered by name")
    if len(names) != len(entries):
        problems.append("ConfigDumpInfo.xml: an entry appears twice")

    folders = FACTS["required_files"]["folders"]
    extra_ids = facts["extra_entries"]["observed"]
    extra_files = facts["extra_entries"]["files"]
    config_name = configuration.find(f"{MD}Properties/{MD}Name").text
    expected = {f"Configuration.{config_name}": (configuration.get("uuid"), [])}
    for kind, name in children:
        path = dump / folders[kind] / f"{name}.xml"
        if not path.is_file():
            continue  # reported by problems()
        obj = ET.parse(path).getroot()[0]
        nested = []
        child_objects = obj.find(f"{MD}ChildObjects")
        for child in (child_objects if child_objects is not None else []):
            if child.get("uuid"):
                child_name = child.find(f"{MD}Properties/{MD}Name").text
                nested.append((f"{kind}.{name}.{local(child.tag)}.{child_name}", child.get("uuid")))
        expected[f"{kind}.{name}"] = (obj.get("uuid"), nested)
        for entry_kind, relative in extra_files.items():
            owner, file_entry = entry_kind.split(".")
            if owner == kind and (dump / folders[kind] / name / relative).is_file():
                expected[f"{kind}.{name}.{file_entry}"] = (f"{obj.get('uuid')}.{extra_ids[entry_kind]}", [])

    for name in sorted(set(expected) - set(entries)):
        problems.append(f"ConfigDumpInfo.xml: no entry {name}")
    for name in sorted(set(entries) - set(expected)):
        problems.append(f"ConfigDumpInfo.xml: entry {name} matches no object or file of the dump")
    for name in sorted(set(expected) & set(entries)):
        entry = entries[name]
        want_id, want_nested = expected[name]
        if entry.get("id") != want_id:
            problems.append(f"ConfigDumpInfo.xml: {name} has id {entry.get('id')}, the object {want_id}")
        if not HEX40.fullmatch(entry.get("configVersion") or ""):
            problems.append(f"ConfigDumpInfo.xml: {name} configVersion {entry.get('configVersion')!r} "
                            "is not 40 hex digits")
        got = [(child.get("name"), child.get("id")) for child in entry]
        if sorted(got) != sorted(want_nested):
            problems.append(f"ConfigDumpInfo.xml: {name} lists {sorted(got)}, "
                            f"its child objects are {sorted(want_nested)}")
        if [i for _, i in got] != sorted(i for _, i in got):
            problems.append(f"ConfigDumpInfo.xml: the entries inside {name} are not ordered by id")
        if any(child.get("configVersion") or len(child) for child in entry):
            problems.append(f"ConfigDumpInfo.xml: an entry inside {name} has a configVersion or entries of its own")
    return problems


def problems(dump: Path) -> list[str]:
    """What in the dump at `dump` differs from the real dumps of its format version."""
    config_path = dump / "Configuration.xml"
    if not config_path.is_file():
        return ["Configuration.xml is missing"]
    root = ET.parse(config_path).getroot()
    version = root.get("version")
    facts = FACTS["extension_properties"].get(version)
    if not facts:
        return [f"format {version}: no real dump of it is recorded in 1c/facts/dump_format.json"]
    found = [f"{name} is missing" for name in FACTS["required_files"]["always"] if not (dump / name).is_file()]
    configuration = root.find(f"{MD}Configuration")
    found += order_problems("Configuration.xml", property_names(config_path, "Configuration"), facts["configuration"])
    folders = FACTS["required_files"]["folders"]
    children = [(local(child.tag), child.text) for child in configuration.find(f"{MD}ChildObjects")]
    for kind, name in children:
        path = dump / folders.get(kind, kind) / f"{name}.xml"
        if kind not in folders or not path.is_file():
            found.append(f"Configuration.xml lists {kind} {name}, but {path.relative_to(dump)} is missing")
        elif kind == "Language":
            found += order_problems(str(path.relative_to(dump)), property_names(path, "Language"), facts["language"])
    mode = configuration.find(f"{MD}Properties/{MD}InterfaceCompatibilityMode")
    modes = FACTS["interface_compatibility_mode"]["observed"]
    if mode is None or mode.text not in modes:
        value = None if mode is None else mode.text
        found.append(f"InterfaceCompatibilityMode {value}: real dumps use {sorted(modes)}")
    if (dump / "ConfigDumpInfo.xml").is_file():
        found += dump_info_problems(dump, configuration, version, children)
    return found


# ---- helpers for the negative tests ------------------------------------------------------------

def copy_of_extension(tmp_path: Path) -> Path:
    copy = tmp_path / "ext"
    shutil.copytree(EXT, copy)
    return copy


def edit(path: Path, change) -> None:
    text = path.read_bytes().decode("utf-8-sig")
    changed = change(text)
    assert changed != text, f"{path}: the edit changed nothing"
    path.write_bytes(("\ufeff" + changed).encode("utf-8"))


def move_line(text: str, line: str, before: str) -> str:
    """Moves the line holding `line` to just before the line holding `before`."""
    lines = text.split("\r\n")
    moved = next(item for item in lines if item.strip() == line)
    lines.remove(moved)
    at = next(index for index, item in enumerate(lines) if item.strip().startswith(before))
    lines.insert(at, moved)
    return "\r\n".join(lines)


# ---- the tests ---------------------------------------------------------------------------------

def test_the_declared_format_is_recorded_from_real_dumps_with_config_dump_info():
    version = ET.parse(EXT / "Configuration.xml").getroot().get("version")
    facts = FACTS["extension_properties"][version]
    for kind in ("configuration", "language"):
        sources = [source for variant in facts[kind] for source in variant["sources"]]
        assert any(source["config_dump_info"] for source in sources), (version, kind)
        for source in sources:
            assert re.fullmatch(r"[0-9a-f]{40}", source["commit"]) and source["repo"] and source["path"], source


def test_the_generated_dump_has_the_shape_of_real_dumps():
    assert problems(EXT) == []


def test_config_dump_info_lists_every_object_of_configuration_xml():
    root = ET.parse(EXT / "Configuration.xml").getroot()
    children = {f"{local(c.tag)}.{c.text}" for c in root.find(f"{MD}Configuration/{MD}ChildObjects")}
    dump_info = ET.parse(EXT / "ConfigDumpInfo.xml").getroot()
    top = {entry.get("name") for entry in dump_info[0] if entry.get("name").count(".") == 1}
    assert top == children | {"Configuration.кб_КэшбэкБитрикс"}


def test_object_belonging_before_the_purpose_is_reported(tmp_path):
    copy = copy_of_extension(tmp_path)
    edit(copy / "Configuration.xml",
         lambda text: move_line(text, "<ObjectBelonging>Adopted</ObjectBelonging>", "<ConfigurationExtensionPurpose>"))
    found = problems(copy)
    assert len(found) == 1 and found[0].startswith("Configuration.xml: properties"), found


def test_object_belonging_first_in_a_language_is_reported(tmp_path):
    copy = copy_of_extension(tmp_path)
    edit(copy / "Languages" / "Русский.xml",
         lambda text: move_line(text, "<ObjectBelonging>Adopted</ObjectBelonging>", "<Name>"))
    found = problems(copy)
    assert len(found) == 1 and found[0].startswith("Languages/Русский.xml: properties"), found


def test_a_dump_without_config_dump_info_is_reported(tmp_path):
    copy = copy_of_extension(tmp_path)
    (copy / "ConfigDumpInfo.xml").unlink()
    assert problems(copy) == ["ConfigDumpInfo.xml is missing"]


def test_config_dump_info_out_of_step_with_the_objects_is_reported(tmp_path):
    copy = copy_of_extension(tmp_path)
    edit(copy / "ConfigDumpInfo.xml",
         lambda text: re.sub(r'\r\n\t\t<Metadata name="ScheduledJob\.[^"]+"[^\r]*/>', "", text))
    edit(copy / "ConfigDumpInfo.xml",
         lambda text: re.sub(r'\r\n\t\t\t<Metadata name="Enum\.[^"]+\.EnumValue\.Конфликт"[^\r]*', "", text))
    found = problems(copy)
    assert any("no entry ScheduledJob.кб_ОтправкаОчередиКэшбэк" in p for p in found), found
    assert any(p.startswith("ConfigDumpInfo.xml: Enum.кб_СостоянияОчередиКэшбэк lists") for p in found), found


def test_an_interface_mode_no_real_dump_uses_is_reported(tmp_path):
    copy = copy_of_extension(tmp_path)
    edit(copy / "Configuration.xml", lambda text: re.sub(
        r"<InterfaceCompatibilityMode>\w+<", "<InterfaceCompatibilityMode>Version8_2<", text))
    found = problems(copy)
    assert len(found) == 1 and found[0].startswith("InterfaceCompatibilityMode Version8_2"), found


def test_a_bound_copy_keeps_the_shape_and_takes_the_targets_interface_mode(tmp_path):
    dump = tmp_path / "cf"
    for folder in ("Languages", "Documents"):
        (dump / folder).mkdir(parents=True)
    (dump / "Configuration.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<MetaDataObject xmlns="http://v8.1c.ru/8.3/MDClasses" version="2.20">'
        '<Configuration uuid="01234567-89ab-cdef-0123-456789abcdef"><Properties><Name>УправлениеТорговлей</Name>'
        "<InterfaceCompatibilityMode>TaxiEnableVersion8_2</InterfaceCompatibilityMode>"
        "<CompatibilityMode>Version8_3_24</CompatibilityMode></Properties></Configuration></MetaDataObject>",
        encoding="utf-8-sig")
    uuids = {"Languages/Русский.xml": ("Language", "aaaaaaaa-1111-2222-3333-444444444444"),
             "Documents/ЧекККМ.xml": ("Document", "bbbbbbbb-1111-2222-3333-444444444444"),
             "Documents/ЧекККМВозврат.xml": ("Document", "cccccccc-1111-2222-3333-444444444444")}
    for relative, (kind, value) in uuids.items():
        (dump / relative).write_text(f'<MetaDataObject><{kind} uuid="{value}"/></MetaDataObject>', encoding="utf-8-sig")
    out = tmp_path / "bound"
    done = subprocess.run([sys.executable, str(TOOLS / "bind_to_configuration.py"),
                           "--dump", str(dump), "--out", str(out)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    for relative, (_, value) in uuids.items():
        bound = (out / relative).read_text("utf-8-sig")
        assert f"<ExtendedConfigurationObject>{value}</ExtendedConfigurationObject>" in bound
    config = (out / "Configuration.xml").read_text("utf-8-sig")
    assert "<InterfaceCompatibilityMode>TaxiEnableVersion8_2</InterfaceCompatibilityMode>" in config
    assert "<ConfigurationExtensionCompatibilityMode>Version8_3_24</ConfigurationExtensionCompatibilityMode>" in config
    assert problems(out) == []
