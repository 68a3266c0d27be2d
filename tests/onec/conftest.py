"""The standalone host for the 1C fixture replay: php -S on php/public/index.php
with a temporary VARDIR (as tests/e2e does, through tests/e2e/hosting.py), a key
for store-1, the fixtures' customers, max_batch = 5 and a short busy timeout so
a locked database answers 503 quickly.

Environment: CASHBACK_EXTENSION, PHP (see tests/e2e/hosting.py).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "e2e"))

from hosting import EXT_ARGS, EXTENSION, OPENAPI, PHP, REPO, Host, Ledger, free_port, php_config  # noqa: E402
from make_fixtures import MAX_BATCH, SEED  # noqa: E402

RETRY_AFTER = 2


@pytest.fixture(scope="session")
def host(tmp_path_factory):
    if EXT_ARGS and not EXTENSION.is_file():
        pytest.exit(f"the extension is not built: {EXTENSION} (set CASHBACK_EXTENSION)", returncode=4)
    vardir = tmp_path_factory.mktemp("onec-var")
    setup = subprocess.run([PHP, *EXT_ARGS, "php/bin/setup-demo.php", str(vardir), str(free_port())],
                           cwd=REPO, capture_output=True, text=True, timeout=60)
    assert setup.returncode == 0, setup.stderr + setup.stdout
    config = vardir / "config.php"
    settings = json.loads(subprocess.run(
        [PHP, "-r", f"echo json_encode(require {json.dumps(str(config))});"],
        capture_output=True, text=True, check=True).stdout)
    settings.update(max_batch=MAX_BATCH, busy_timeout_ms=300, retry_after_seconds=RETRY_AFTER)
    php_config(config, settings)
    ledger = Ledger(Path(settings["database"]))
    _, key = ledger.create_key("1c-register-store-1", "store-1")
    ledger.link_phones(SEED)
    server = Host(vardir, config, workers=2)
    server.api_key = key
    server.ledger = ledger
    yield server
    server.stop()
    assert not server.php_problems(), server.php_problems()


@pytest.fixture(scope="session")
def contract():
    from contract import Contract
    return Contract(OPENAPI)
