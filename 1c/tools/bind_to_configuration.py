#!/usr/bin/env python3
"""Binds the extension's borrowed objects to a real configuration.

A configuration extension dump names every borrowed object by the UUID it has
in the configuration (ExtendedConfigurationObject). Those UUIDs differ between
configurations, so 1c/extension carries a placeholder. Dump the target
configuration to files first (Designer: Конфигурация → Выгрузить конфигурацию в
файлы, or `1cv8 DESIGNER ... /DumpConfigToFiles <dir>`), then:

    python3 1c/tools/bind_to_configuration.py --dump <dir> --out <new dir>

It copies 1c/extension to <new dir> and writes into the copy:
  - the UUIDs of Languages/Русский, Documents/ЧекККМ and Documents/ЧекККМВозврат
    from the dump;
  - the configuration's CompatibilityMode as the extension's
    ConfigurationExtensionCompatibilityMode, and its InterfaceCompatibilityMode
    (Retail 3 dumps carry Taxi, UT 11.5 TaxiEnableVersion8_2), so that the
    extension says what its configuration says;
  - ConfigDumpInfo.xml again, for the files it changed (same rules as
    generate_xml.py);
  - the dump's format version (MetaDataObject/@version) is reported, not
    changed: the extension's files keep theirs, which any later platform loads.
Load <new dir> with "Загрузить конфигурацию из файлов" into the extension.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import generate_xml  # noqa: E402  (the same directory: FORMAT, dump_info)

SOURCE = generate_xml.ROOT
PLACEHOLDER = generate_xml.PLACEHOLDER
BORROWED = {"Languages/Русский.xml": "Languages/Русский.xml"}  # file in the extension -> file in the dump
BORROWED.update({f"Documents/{name}.xml": f"Documents/{name}.xml" for name in generate_xml.BORROWED_DOCUMENTS})
# The platform features the BSL uses (ОбработкаОшибок) need this compatibility mode or a later one.
LOWEST_MODE = (8, 3, 17)


def read(path: Path) -> str:
    return path.read_bytes().decode("utf-8-sig")


def write(path: Path, text: str) -> None:
    path.write_bytes(generate_xml.designer_text(text))


def object_uuid(path: Path) -> str:
    match = re.search(r'<(?:Language|Document)\s+uuid="([0-9a-fA-F-]{36})"', read(path))
    if not match:
        raise SystemExit(f"no object uuid in {path}")
    return match.group(1)


def property_value(text: str, name: str) -> str | None:
    match = re.search(rf"<{name}>([^<]+)</{name}>", text)
    return match.group(1) if match else None


def set_property(text: str, name: str, value: str) -> str:
    return re.sub(rf"<{name}>[^<]*</{name}>", f"<{name}>{value}</{name}>", text)


def below_lowest(mode: str) -> bool:
    found = re.fullmatch(r"Version(\d+)_(\d+)_(\d+)", mode)
    return bool(found) and tuple(int(part) for part in found.groups()) < LOWEST_MODE


def bind(dump: Path, out: Path) -> list[str]:
    if out.exists():
        raise SystemExit(f"{out} exists; give a new folder")
    configuration = dump / "Configuration.xml"
    if not configuration.is_file():
        raise SystemExit(f"{configuration} not found: is {dump} a configuration dump?")
    missing = [theirs for theirs in BORROWED.values() if not (dump / theirs).is_file()]
    if missing:
        raise SystemExit(f"not in the dump (the configuration has no such object?): {', '.join(missing)}")
    shutil.copytree(SOURCE, out)
    report = []
    for ours, theirs in BORROWED.items():
        target = out / ours
        found = object_uuid(dump / theirs)
        write(target, read(target).replace(f"<ExtendedConfigurationObject>{PLACEHOLDER}</ExtendedConfigurationObject>",
                                           f"<ExtendedConfigurationObject>{found}</ExtendedConfigurationObject>"))
        report.append(f"{ours}: ExtendedConfigurationObject {found}")
    config_text = read(configuration)
    target = out / "Configuration.xml"
    text = read(target)
    mode = property_value(config_text, "CompatibilityMode")
    if mode:
        text = set_property(text, "ConfigurationExtensionCompatibilityMode", mode)
        report.append(f"Configuration.xml: ConfigurationExtensionCompatibilityMode {mode}")
        if below_lowest(mode):
            report.append(f"warning: {mode} is below Version8_3_17; the modules use 8.3.17 features (ОбработкаОшибок)")
    interface = property_value(config_text, "InterfaceCompatibilityMode")
    if interface:
        text = set_property(text, "InterfaceCompatibilityMode", interface)
        report.append(f"Configuration.xml: InterfaceCompatibilityMode {interface}")
    write(target, text)
    write(out / generate_xml.DUMP_INFO,
          generate_xml.dump_info(lambda path: (out / path).read_bytes() if (out / path).is_file() else None))
    report.append("ConfigDumpInfo.xml: rewritten for the bound files")
    version = re.search(r'<MetaDataObject[^>]*\sversion="([^"]+)"', config_text)
    if version:
        report.append(f"the dump's format version is {version.group(1)}; "
                      f"the extension's files are {generate_xml.FORMAT}")
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dump", required=True, type=Path, help="folder of the configuration dumped to files")
    parser.add_argument("--out", required=True, type=Path, help="new folder for the bound extension")
    args = parser.parse_args()
    for line in bind(args.dump, args.out):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
