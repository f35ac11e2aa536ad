# One entry point for people and CI. `make ask Q="..."` and `make test` work on a fresh clone.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
# llama-cpp-python builds from source: skip everything but the library (saves minutes on 2 cores).
LLAMA_CMAKE_ARGS := -DLLAVA_BUILD=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF \
	-DLLAMA_BUILD_TOOLS=OFF -DLLAMA_BUILD_SERVER=OFF -DLLAMA_CURL=OFF

.PHONY: install browser ask search chat test eval bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(BIN)/pip install -q -e '.[test]'
	touch $@

install: $(VENV)/.installed

ask: install
	@test -n "$(Q)" || { echo 'usage: make ask Q="your question"' >&2; exit 2; }
	$(BIN)/assistant ask "$(Q)"

chat: install
	$(BIN)/assistant chat

# The report's screenshot test renders it in headless Chromium (Debian's package).
browser:
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

test: install browser
	$(BIN)/python -m pytest

eval: install
	$(BIN)/assistant eval eval/questions/dev.jsonl --out eval/runs/dev

bench: install
	$(BIN)/python benchmarks/bench.py

clean:
	rm -rf $(VENV) build dist *.egg-info
