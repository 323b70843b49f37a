#!/usr/bin/env bash
# Refresh the translation sources from the code, then compile them:
#   resources/i18n/update.sh
# Translate new strings in cqia_zh_CN.ts with Qt Linguist (pyside6-linguist), then run
# this again; commit both the .ts and the .qm files. cqia_en.ts holds English plural
# forms only ("1 row" / "2 rows").
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${VENV_BIN:-.venv/bin}
"$bin/pyside6-lupdate" -extensions py -locations none -no-obsolete app/ui -ts resources/i18n/cqia_zh_CN.ts
"$bin/pyside6-lupdate" -extensions py -locations none -no-obsolete -pluralonly app/ui -ts resources/i18n/cqia_en.ts
"$bin/pyside6-lrelease" resources/i18n/cqia_zh_CN.ts resources/i18n/cqia_en.ts
