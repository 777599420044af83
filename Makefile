# pysei: make run (local single-node chain), make test (whole suite, real cometbft).
SHELL := /bin/bash
PY_VERSION ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
COMETBFT_VERSION := v0.38.17
BIN := $(CURDIR)/.bin
COMETBFT := $(BIN)/cometbft
GETH_VERSION := v1.16.9
GETH := $(BIN)/geth
HOME_DIR ?= $(CURDIR)/homes/local
CHAIN_ID ?= pysei-local-1
N ?= 4
export PATH := $(BIN):$(PATH)
export PYSEI_COMETBFT := $(COMETBFT)

.PHONY: install cometbft geth proto proto-check run test test-fast lint bench soak fuzz localnet clean js explorer-assets chromium pointers

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml constraints.txt modules/tokenfactory/pyproject.toml
	@test -x $(PY) || $(PY_VERSION) -m venv $(VENV) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -c constraints.txt -e '.[dev]'
	$(PY) -m pip install -q --no-deps -e modules/tokenfactory
	@touch $@

# CometBFT: built once from the Go module proxy into .bin/, reused when that exact version is there.
cometbft: $(BIN)/.cometbft-$(COMETBFT_VERSION)

$(BIN)/.cometbft-$(COMETBFT_VERSION):
	@mkdir -p $(BIN)
	@if [ -x $(COMETBFT) ] && $(COMETBFT) version 2>/dev/null | grep -qx '$(COMETBFT_VERSION:v%=%)'; then \
	  echo "cometbft $(COMETBFT_VERSION) already built"; \
	else \
	  echo "building cometbft $(COMETBFT_VERSION) (go install, ~2 min)"; \
	  GOBIN=$(BIN) GOFLAGS=-mod=mod go install github.com/cometbft/cometbft/cmd/cometbft@$(COMETBFT_VERSION); \
	fi
	@touch $@

# geth: the end-to-end bench's reference node, built once like CometBFT (bench only, never test).
geth: $(BIN)/.geth-$(GETH_VERSION)

$(BIN)/.geth-$(GETH_VERSION):
	@mkdir -p $(BIN)
	@if [ -x $(GETH) ] && $(GETH) version 2>/dev/null | grep -qx 'Version: $(GETH_VERSION:v%=%)-stable'; then \
	  echo "geth $(GETH_VERSION) already built"; \
	else \
	  echo "building geth $(GETH_VERSION) (go install, a few minutes)"; \
	  GOBIN=$(BIN) GOFLAGS=-mod=mod go install github.com/ethereum/go-ethereum/cmd/geth@$(GETH_VERSION); \
	fi
	@touch $@

# Python stubs for proto/ (committed; tests/unit/test_proto_current.py checks they match the sources).
proto: install
	$(PY) -m abci_app.cli.proto_stubs

# npm packages of the JS-driven tests (solc, ethers, hardhat, forge, cosmjs: the e2e clients and the
# amino JSON oracle of the unit tests), reinstalled when the lock changes.
JS_DIR := tests/e2e/js
js: $(JS_DIR)/node_modules/.package-lock.json

$(JS_DIR)/node_modules/.package-lock.json: $(JS_DIR)/package-lock.json
	cd $(JS_DIR) && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# The pointer contracts the node deploys (evm_bridge/pointers/*.sol, compiled by the npm solc, and
# the cwerc20 Rust crate, built by cargo for wasm32-unknown-unknown) into .cache/pointers/ (never
# committed); rebuilt when a source changes.
pointers: install js
	$(PY) -m evm_bridge.pointers.build

# The explorer's browser libraries (uPlot), pinned by explorer/web's lock, copied into the package.
EXPLORER_WEB := explorer/web
EXPLORER_VENDOR := explorer/static/vendor
explorer-assets: $(EXPLORER_VENDOR)/.installed

$(EXPLORER_VENDOR)/.installed: $(EXPLORER_WEB)/package-lock.json
	cd $(EXPLORER_WEB) && npm ci --no-audit --no-fund --loglevel=error
	@mkdir -p $(EXPLORER_VENDOR)
	cp $(EXPLORER_WEB)/node_modules/uplot/dist/uPlot.iife.min.js $(EXPLORER_WEB)/node_modules/uplot/dist/uPlot.min.css $(EXPLORER_VENDOR)/
	@touch $@

# Debian's chromium for the explorer's browser tests, installed only when missing.
chromium:
	@test -x /usr/bin/chromium || (apt-get update && apt-get install -y chromium)

run: install cometbft pointers explorer-assets
	@test -f $(HOME_DIR)/config/app.toml || $(VENV)/bin/pysei init --home $(HOME_DIR) --chain-id $(CHAIN_ID)
	$(VENV)/bin/pysei start --home $(HOME_DIR)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

test: install cometbft js pointers explorer-assets chromium lint
	$(VENV)/bin/pytest -q -x -p no:cacheprovider -m 'not soak' tests

test-fast: install js pointers
	$(VENV)/bin/pytest -q -x tests/unit tests/property

bench: install cometbft geth js
	@for b in bench/*_bench.py; do echo "== $$b"; $(PY) $$b || exit 1; done

# Long fuzz campaign over every decoder of outside bytes and the ABCI methods (make test runs 300 examples each).
FUZZ_EXAMPLES ?= 20000
fuzz: install
	PYSEI_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(VENV)/bin/pytest -q -p no:cacheprovider tests/fuzz tests/unit/wasm_bridge/test_host_fuzz.py

soak: install cometbft
	$(VENV)/bin/pytest -q -s -p no:cacheprovider -m soak tests/soak

localnet: install cometbft pointers
	$(VENV)/bin/pysei testnet init --validators $(N) --out $(CURDIR)/homes/localnet
	$(PY) -m testnet.start $(CURDIR)/homes/localnet

clean:
	rm -rf homes .pytest_cache
