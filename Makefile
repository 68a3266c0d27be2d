# Cashback ledger: a PHP extension in Rust shared by 1C:Retail and 1C-Bitrix.
# `make run` and `make test` are the whole setup on a fresh Debian/Ubuntu machine:
# missing system packages are installed with apt-get.

SHELL        := /bin/bash
CARGO        ?= cargo
PHP          ?= php
EXTENSION    := $(CURDIR)/target/release/libcashback.so
VAR          ?= $(CURDIR)/var
PORT         ?= 8080
CASHBACK_DATABASE ?=
WORKERS      ?= 4
# What `make run` needs, and what `make test` needs on top (real FPM, nginx, browser).
RUN_PACKAGES  := php8.2-cli php8.2-dev libclang-dev sqlite3
TEST_PACKAGES := $(RUN_PACKAGES) php8.2-fpm php8.2-sqlite3 php8.2-mysql nginx-light chromium phpunit curl jq wrk \
                 mariadb-server galera-4 rsync

.PHONY: all deps deps-test build bitrix-module test stress fuzz bench bench-quick bench-smoke test-rust test-php test-stubs run install uninstall clean help

all: build

help:
	@echo "make run      build and serve the API on 127.0.0.1:$(PORT) with a demo database (var/cashback.db; CASHBACK_DATABASE=mysql://… for MariaDB)"
	@echo "make test     build, then run the Rust, stub and .phpt tests"
	@echo "make bitrix-module  package the Bitrix module (with the shared API code) as dist/retaillab.cashback.tar.gz"
	@echo "make bench    every benchmark, written to docs/benchmarks.md (about 15 min); make bench-quick: the ratios in about 90 s"
	@echo "make fuzz     every fuzz target for FUZZ_SECONDS (default 60) each"
	@echo "make stress   the long reliability runs on SQLite, MariaDB and Galera (CASHBACK_STRESS_SECONDS per phase, default 300)"
	@echo "make install  copy the extension into PHP's extension dir and enable it for the CLI and FPM"
	@echo "make clean    remove build output and var/"

# Installs the system packages that are missing (needs root or sudo).
define apt_install
	@missing=$$(for p in $(1); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "Installing missing packages: $$missing"; \
		SUDO=$$( [ "$$(id -u)" -eq 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi
endef

# Node.js and Python may come from elsewhere (nodesource, pyenv): only install them when absent.
apt_install_now = SUDO=$$( [ "$$(id -u)" -eq 0 ] || echo sudo ); $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(1)

deps:
	$(call apt_install,$(RUN_PACKAGES))
	@command -v $(CARGO) >/dev/null || { echo "cargo not found: install Rust from https://rustup.rs"; exit 1; }

deps-test: deps
	$(call apt_install,$(TEST_PACKAGES))
	@command -v node >/dev/null && command -v npm >/dev/null || { $(call apt_install_now,nodejs npm); }
	@python3 -c 'import venv, ensurepip' 2>/dev/null || { $(call apt_install_now,python3-venv); }

build: deps
	$(CARGO) build --release

$(EXTENSION): build

# The Bitrix module as an integrator installs it: bitrix-module/ plus the shared API code in shared/.
bitrix-module:
	@rm -rf dist/retaillab.cashback && mkdir -p dist
	cp -r bitrix-module dist/retaillab.cashback
	cp -r php/src dist/retaillab.cashback/shared
	tar -C dist -czf dist/retaillab.cashback.tar.gz retaillab.cashback
	@echo "dist/retaillab.cashback.tar.gz: unpack into /local/modules/ (see bitrix-module/README.md)"

test: deps-test build
	@tests/run.sh $(EXTENSION)

# Every cargo-fuzz target for FUZZ_SECONDS each (default 60); CI runs 10 s each after make test.
fuzz: deps
	bash tests/fuzz/run.sh $${FUZZ_SECONDS:-60}

# Benchmarks (bench/, docs/benchmarks.md). Not part of `make test`; bench/smoke.sh is.
# Everything, then docs/benchmarks.md: about 5 min; the first run also generates and verifies
# the 10M-entry ledger (about 4-5 min, cached in target/bench-data).
bench: deps-test build
	bash bench/run.sh $(EXTENSION)

# About 90 s: smaller batches (extension vs pure PHP, on SQLite and MariaDB) and HTTP runs; one line per ratio.
bench-quick: deps-test build
	@bash bench/quick.sh $(EXTENSION)

bench-smoke: deps-test build
	bash bench/smoke.sh $(EXTENSION)

# The long reliability run: each concurrency phase and the crash loop last CASHBACK_STRESS_SECONDS (default 300).
stress: deps-test build
	@[ -x var/test-venv/bin/python ] || python3 -m venv var/test-venv
	var/test-venv/bin/pip install --quiet -r tests/requirements.txt
	CASHBACK_EXTENSION=$(EXTENSION) CASHBACK_STRESS_SECONDS=$${CASHBACK_STRESS_SECONDS:-300} \
		var/test-venv/bin/python -m pytest -q tests/reliability
	CASHBACK_EXTENSION=$(EXTENSION) CASHBACK_STRESS_SECONDS=$${CASHBACK_STRESS_SECONDS:-300} CASHBACK_TEST_BACKEND=mysql \
		var/test-venv/bin/python -m pytest -q tests/reliability
	CASHBACK_EXTENSION=$(EXTENSION) CASHBACK_STRESS_SECONDS=$${CASHBACK_STRESS_SECONDS:-300} \
		var/test-venv/bin/python -m pytest -q tests/galera

test-rust:
	$(CARGO) test --workspace

test-stubs: build
	tests/stubs/check.sh $(EXTENSION)

test-php: build
	TEST_PHP_EXECUTABLE=$$(command -v $(PHP)) TEST_PHP_ARGS="-d extension=$(EXTENSION)" \
		$(PHP) $$(php-config --extension-dir)/build/run-tests.php -q --show-diff tests/phpt

# Serves the API on 127.0.0.1:$(PORT) with PHP's built-in server ($(WORKERS) workers) on var/cashback.db,
# or on the database CASHBACK_DATABASE names when var/config.php is made (make run CASHBACK_DATABASE=mysql://user:pass@host/db).
run: build
	@$(PHP) -d extension=$(EXTENSION) php/bin/setup-demo.php $(VAR) $(PORT) '$(CASHBACK_DATABASE)'
	PHP_CLI_SERVER_WORKERS=$(WORKERS) CASHBACK_CONFIG=$(VAR)/config.php \
		$(PHP) -d extension=$(EXTENSION) -d enable_post_data_reading=0 -S 127.0.0.1:$(PORT) php/public/index.php

install: build
	@dir=$$(php-config --extension-dir); \
	install -m 0644 $(EXTENSION) $$dir/cashback.so && echo "installed $$dir/cashback.so"; \
	for sapi in cli fpm; do \
		conf=/etc/php/8.2/$$sapi/conf.d; \
		[ -d $$conf ] || continue; \
		printf 'extension=cashback.so\n; cashback.database = /var/lib/cashback/cashback.db\n; cashback.timezone = Europe/Moscow\n' > $$conf/20-cashback.ini; \
		echo "enabled in $$conf/20-cashback.ini"; \
	done

uninstall:
	rm -f $$(php-config --extension-dir)/cashback.so /etc/php/8.2/*/conf.d/20-cashback.ini

clean:
	$(CARGO) clean
	rm -rf var dist
