# The two commands a newcomer needs:
#   make lesson   install what is missing, build release, run the pretraining lesson
#   make test     install what is missing, run every test and check every lesson
# Hardening (not part of `make test`):
#   make fuzz SECONDS=N   libFuzzer on lesson loading, parsing, binding, rendering, claim numbers
#   make sanitize         the test suite under AddressSanitizer, then ThreadSanitizer

SWIFT ?= swift
BIN   := .build/release/lesson
LESSONS := $(wildcard Lessons/*.md) $(wildcard Lessons/examples/*.md)

.PHONY: lesson test deps test-deps build unit-tests check-lessons bench clean fuzz sanitize

lesson: deps build
	$(BIN) run pretrain

test: test-deps build unit-tests check-lessons

deps:
	@scripts/install-deps.sh

test-deps:
	@LESSON_WITH_TEST_TOOLS=1 scripts/install-deps.sh
	@scripts/install-python-test-deps.sh

# Every product, including lesson-testbed (the end-to-end tests find it beside $(BIN)).
build:
	$(SWIFT) build -c release

unit-tests: build
	LESSON_BINARY=$(abspath $(BIN)) $(SWIFT) test -c release

check-lessons: build
	$(BIN) check $(LESSONS)
	$(BIN) lint --claims $(LESSONS)

bench: deps build
	Benchmarks/compare.sh

SECONDS ?= 60
fuzz: deps
	scripts/fuzz.sh $(SECONDS)

sanitize: test-deps
	scripts/sanitize.sh

clean:
	rm -rf .build .build-asan .build-tsan .build-fuzz
