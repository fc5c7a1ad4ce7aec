# Set-up and everyday commands; every target creates .venv when it is missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: run test kb perf screenshots clean bytecode

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Whoosh-Reloaded, which whoosh3 replaced, shares its whoosh/ folder: a venv made before the
# switch must lose it first, or uninstalling it later would take whoosh3's files with it.
$(STAMP): pyproject.toml | $(BIN)/python
	@$(BIN)/python -m pip uninstall --quiet --yes Whoosh-Reloaded 2>/dev/null
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	@$(BIN)/python -m pip uninstall --quiet --yes Whoosh-Reloaded 2>/dev/null
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@ $(STAMP)

# Our modules' bytecode, written now: where PYTHONDONTWRITEBYTECODE is set, each start would
# otherwise compile them again (about 10 ms of a 0.2 s start).
bytecode: $(STAMP)
	@$(BIN)/python -m compileall -q app index kb resources/__init__.py

# Install, check the system can open the window (a display, Qt's X11 libraries: it prints the
# install command when one is missing), build the KB if it is missing, then open the window.
run: $(STAMP) bytecode
	@$(BIN)/python -m patternkb.app.platform_check
	@test -f resources/kb/CURRENT || $(BIN)/patternkb build --out resources/kb
	$(BIN)/patternkb gui

# Install with test extras and run the whole suite headless.
test: $(TEST_STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest

# Maintainers: regenerate the bundled KB and the schema from resources/guides (commit both).
kb: $(STAMP)
	$(BIN)/patternkb build --out resources/kb
	$(BIN)/patternkb schema --out resources/schema

perf: $(TEST_STAMP) bytecode
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest tests/perf -s -p no:randomly -o addopts=""

clean:
	rm -rf $(VENV) .pytest_cache

# Regenerate the README's screenshots (offscreen, a fresh user's settings). find-in-page.png and
# tabs.png need keys typed into a real window: they are taken by hand under Xvfb (xdotool, import).
screenshots: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/patternkb gui --query "error handling" --screenshot resources/screenshots/search.png
	QT_QPA_PLATFORM=offscreen $(BIN)/patternkb gui --query "mutx thred" --screenshot resources/screenshots/search-typo.png
	QT_QPA_PLATFORM=offscreen $(BIN)/patternkb gui --query "arc mutex" --theme dark --screenshot resources/screenshots/search-dark.png
