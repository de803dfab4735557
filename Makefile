# The two commands a newcomer needs:
#   make lesson   install what is missing, build release, run the pretraining lesson
#   make test     install what is missing, run every test and check every lesson
# PyTorch (about 2.8 GB of CUDA wheels from PyPI, so not part of `make test`):
#   make bench     Swift against the PyTorch reference, lesson and shakespeare-char shapes, in one run
#   make interop   the tests that need PyTorch (reference, nanoGPT export), required to run, not skipped
# Installing (the lessons are built into the binary, so it works from any directory):
#   make install PREFIX=~/.local   the binary and its bash, zsh and fish completion scripts
# Hardening (not part of `make test`):
#   make fuzz SECONDS=N   libFuzzer, N s per target: lesson loading/parsing/rendering; the checkpoint reader and corpus decoder; the result cache's entry reader
#   make sanitize         the test suite under AddressSanitizer, then ThreadSanitizer

SWIFT ?= swift
BIN   := .build/release/lesson
LESSONS := $(wildcard Lessons/*.md) $(wildcard Lessons/examples/*.md)
# The Python test tools' virtual environment (scripts/install-python-test-deps.sh; PEP 668).
PYTHON := $(abspath .build/python-venv/bin/python3)

.PHONY: install lesson test deps test-deps torch-deps build unit-tests check-lessons bench interop clean fuzz sanitize

lesson: deps build
	$(BIN) run pretrain

# The lessons are checked first, cold: the end-to-end tests that check the real lessons again
# (claim mutation, the published page) then replay their steps from that run's cache.
test: test-deps build check-lessons unit-tests

deps:
	@scripts/install-deps.sh

test-deps:
	@LESSON_WITH_TEST_TOOLS=1 scripts/install-deps.sh
	@scripts/install-python-test-deps.sh

torch-deps: test-deps
	@scripts/install-python-test-deps.sh --torch

# Every product, including lesson-testbed (the end-to-end tests find it beside $(BIN)).
build:
	$(SWIFT) build -c release

LESSON_CACHE := $(abspath .build/lesson-check-cache)

unit-tests: build
	LESSON_BINARY=$(abspath $(BIN)) LESSON_PYTHON=$(PYTHON) LESSON_SHARED_CACHE=$(LESSON_CACHE) $(SWIFT) test -c release

check-lessons: build
	LESSON_CHECK_CACHE=$(LESSON_CACHE) scripts/check-lessons.sh $(BIN) $(LESSONS)
	$(BIN) lint --claims $(LESSONS)

bench: torch-deps build
	LESSON_PYTHON=$(PYTHON) Benchmarks/compare.sh

# LESSON_REQUIRE_TORCH=1: a PyTorch test that cannot import torch fails instead of skipping.
interop: torch-deps build
	LESSON_BINARY=$(abspath $(BIN)) LESSON_PYTHON=$(PYTHON) LESSON_REQUIRE_TORCH=1 $(SWIFT) test -c release --filter TorchInterop

PREFIX ?= /usr/local
install: deps build
	install -d "$(DESTDIR)$(PREFIX)/bin" "$(DESTDIR)$(PREFIX)/share/bash-completion/completions" \
	  "$(DESTDIR)$(PREFIX)/share/zsh/site-functions" "$(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d"
	install -m 755 $(BIN) "$(DESTDIR)$(PREFIX)/bin/lesson"
	$(BIN) --generate-completion-script bash > "$(DESTDIR)$(PREFIX)/share/bash-completion/completions/lesson"
	$(BIN) --generate-completion-script zsh > "$(DESTDIR)$(PREFIX)/share/zsh/site-functions/_lesson"
	$(BIN) --generate-completion-script fish > "$(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/lesson.fish"
	@echo "installed $(DESTDIR)$(PREFIX)/bin/lesson; try: cd \"\$$(mktemp -d)\" && lesson list"

SECONDS ?= 60
fuzz: deps
	scripts/fuzz.sh $(SECONDS)

sanitize: test-deps
	scripts/sanitize.sh

clean:
	rm -rf .build .build-asan .build-tsan .build-fuzz
