#!/usr/bin/env python3
"""Binds the extension's borrowed objects to a real configuration.

A configuration extension dump names every borrowed object by the UUID it has
in the configuration (ExtendedConfigurationObject). Those UUIDs differ between
configurations, so 1c/extension carries a placeholder. Dump the target
configuration to files first (Designer: Конфигурация → Выгрузить конфигурацию в
файлы, or `1cv8 DESIGNER ... /DumpConfigToFiles <dir>`), then:

    python3 1c/tools/bind_to_configuration.py --dump <dir> --out <new dir>

It copies 1c/extension to <new dir> and writes into the copy:
  - the UUIDs of Languages/Русский and Documents/ЧекККМ from the dump;
  - the configuration's CompatibilityMode as the extension's
    ConfigurationExtensionCompatibilityMode;
  - the dump's format version (MetaDataObject/@version) is reported, not changed.
Load <new dir> with "Загрузить конфигурацию из файлов" into the extension.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[1] / "extension"
PLACEHOLDER = "00000000-0000-0000-0000-000000000000"
BORROWED = {  # file in the extension -> file in the configuration dump
    "Languages/Русский.xml": "Languages/Русский.xml",
    "Documents/ЧекККМ.xml": "Documents/ЧекККМ.xml",
}


def read(path: Path) -> str:
    return path.read_bytes().decode("utf-8-sig")


def write(path: Path, text: str) -> None:
    path.write_bytes(("\ufeff" + text).encode("utf-8"))


def object_uuid(path: Path) -> str:
    match = re.search(r'<(?:Language|Document)\s+uuid="([0-9a-fA-F-]{36})"', read(path))
    if not match:
        raise SystemExit(f"no object uuid in {path}")
    return match.group(1)


def bind(dump: Path, out: Path) -> list[str]:
    if out.exists():
        raise SystemExit(f"{out} exists; give a new folder")
    configuration = dump / "Configuration.xml"
    if not configuration.is_file():
        raise SystemExit(f"{configuration} not found: is {dump} a configuration dump?")
    shutil.copytree(SOURCE, out)
    report = []
    for ours, theirs in BORROWED.items():
        their_file = dump / theirs
        if not their_file.is_file():
            raise SystemExit(f"{their_file} not found: the configuration has no {theirs[:-4]}")
        target = out / ours
        text = read(target)
        found = object_uuid(their_file)
        write(target, text.replace(f"<ExtendedConfigurationObject>{PLACEHOLDER}</ExtendedConfigurationObject>",
                                   f"<ExtendedConfigurationObject>{found}</ExtendedConfigurationObject>"))
        report.append(f"{ours}: ExtendedConfigurationObject {found}")
    config_text = read(configuration)
    mode = re.search(r"<CompatibilityMode>([^<]+)</CompatibilityMode>", config_text)
    version = re.search(r'<MetaDataObject[^>]*\sversion="([^"]+)"', config_text)
    if mode:
        target = out / "Configuration.xml"
        text = re.sub(r"<ConfigurationExtensionCompatibilityMode>[^<]*</ConfigurationExtensionCompatibilityMode>",
                      f"<ConfigurationExtensionCompatibilityMode>{mode.group(1)}</ConfigurationExtensionCompatibilityMode>",
                      read(target))
        write(target, text)
        report.append(f"Configuration.xml: ConfigurationExtensionCompatibilityMode {mode.group(1)}")
    if version:
        report.append(f"the dump's format version is {version.group(1)}; the extension's files are 2.9")
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
