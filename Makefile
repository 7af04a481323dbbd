# ferrax: `make demo` and `make test` do all the set-up on a fresh machine.
PYTHON ?= python3
VENV := .venv
VPY := $(VENV)/bin/python
BENCH_VENV := .bench-venv
# maturin and cargo test share one target directory and the release profile: one build.
export CARGO_TARGET_DIR := $(CURDIR)/target

.PHONY: demo test build bench fmt lint rust-test py-test

$(VENV)/.installed: requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(VPY) -m pip install -q -r requirements-dev.txt
	touch $@

build: $(VENV)/.installed
	$(VENV)/bin/maturin develop --release -q

demo: build
	$(VPY) -m ferrax.demo

rust-test: build
	cargo test --release --workspace --exclude ferrax-py

py-test: build
	$(VPY) -m pytest -q

test: rust-test py-test

$(BENCH_VENV)/.installed: requirements-bench.txt
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install -q -r requirements-bench.txt
	touch $@

bench: build $(BENCH_VENV)/.installed
	PYTHONPATH=python $(BENCH_VENV)/bin/python benches/eager.py
	PYTHONPATH=python $(BENCH_VENV)/bin/python benches/autodiff.py
	PYTHONPATH=python $(BENCH_VENV)/bin/python benches/vmap.py
	PYTHONPATH=python $(BENCH_VENV)/bin/python benches/jit.py
	PYTHONPATH=python $(BENCH_VENV)/bin/python benches/prng.py

fmt:
	cargo fmt --all
	$(VENV)/bin/ruff format python tests benches examples

lint:
	cargo fmt --all -- --check
	cargo clippy --release --workspace --all-targets -- -D warnings
	$(VENV)/bin/ruff check python tests benches examples
