# Entry points for people and CI. Every target provisions what it needs (Node 22 + pnpm into
# .tools/, Debian packages through apt-get), so a fresh clone needs no manual step. Linux only.
# Set-up is quiet and incremental: each step prints one line (output in .tools/logs/<step>.log,
# shown on failure) and leaves a stamp in .tools/stamps/; a step runs again only when what it
# depends on changed (the lockfile and package.json files for install; sources for build).
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

NODE_VERSION := 22.23.3
ROOT := $(CURDIR)
export PATH := $(ROOT)/.tools/node/bin:$(ROOT)/.tools/node_modules/.bin:$(ROOT)/node_modules/.bin:$(PATH)
# Native add-ons must build against the provisioned Node's headers, not the machine's Node 20.
export npm_config_nodedir := $(ROOT)/.tools/node
export PNPM_HOME := $(ROOT)/.tools/pnpm-home
# pnpm would otherwise prompt when it wants to purge node_modules; CI has no standard input.
export CI ?= true

# Debian packages as COMMAND:PACKAGE pairs.
DEBIAN_TEST := perl:perl zip:zip unzip:unzip readelf:binutils qemu-aarch64-static:qemu-user-static ffmpeg:ffmpeg
DEBIAN_FIXTURES := magick:imagemagick convert:imagemagick ffmpeg:ffmpeg heif-enc:libheif-examples
DEBIAN_LAYER := zip:zip unzip:unzip apt-get:apt
# What `pnpm install` needs: aws-lambda-ric (the real Lambda runtime client the demo and tests run
# the function under) publishes no prebuilt binary; its install scripts compile curl and
# aws-lambda-cpp (cmake, make, a C/C++ compiler, xz) and a node-gyp add-on (python3).
DEBIAN_INSTALL := cmake:cmake g++:g++ make:make xz:xz-utils python3:python3

PNPM_VERSION := $(shell sed -n 's/.*"packageManager": "pnpm@\([^"]*\)".*/\1/p' package.json)
STEP := scripts/step.sh
STAMPS := .tools/stamps
TOOLS_STAMP := .tools/.stamp-node-$(NODE_VERSION)-pnpm-$(PNPM_VERSION)
INSTALL_STAMP := $(STAMPS)/install
BUILD_STAMP := $(STAMPS)/build
# Packages with a build script, and what their build reads (not tests, docs or benchmarks).
BUILT_PACKAGES := packages/s3-range-reader packages/exiftool packages/test-kit packages/organizer packages/demo
BUILD_SOURCES := tsconfig.base.json $(shell find $(BUILT_PACKAGES) \( -name node_modules -o -name dist -o -name test -o -name bench -o -name bin -o -name '*.md' \) -prune -o -type f -print)

.PHONY: help tools debian-test install build typecheck test layer fixtures demo demo-serve demo-clean bench reliability clean

# `make help` prints these descriptions with make's variables expanded (e.g. the Node version).
help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/; s/$$(NODE_VERSION)/$(NODE_VERSION)/g; s/$$(PNPM_VERSION)/$(PNPM_VERSION)/g' \
	  | column -t -s $$'\t'

tools: $(TOOLS_STAMP) ## Install Node $(NODE_VERSION) and pnpm $(PNPM_VERSION) into .tools/

$(TOOLS_STAMP):
	@$(STEP) tools "Installing Node $(NODE_VERSION) and pnpm $(PNPM_VERSION) into .tools/" scripts/bootstrap.sh

debian-test:
	@scripts/ensure-debian-packages.sh $(DEBIAN_TEST)

install: $(INSTALL_STAMP) ## Install dependencies exactly as locked

$(INSTALL_STAMP): $(TOOLS_STAMP) pnpm-lock.yaml pnpm-workspace.yaml $(wildcard package.json */package.json packages/*/package.json)
	@scripts/ensure-debian-packages.sh $(DEBIAN_INSTALL)
	@$(STEP) install "Installing dependencies (pnpm install; compiles the Lambda runtime client once)" \
	  pnpm install --frozen-lockfile --reporter=append-only
	@mkdir -p $(STAMPS) && touch $@

build: $(BUILD_STAMP) ## Build every package (tsup) and the Lambda bundle

$(BUILD_STAMP): $(INSTALL_STAMP) $(BUILD_SOURCES)
	@$(STEP) build "Building the packages and the Lambda bundle" pnpm run build
	@mkdir -p $(STAMPS) && touch $@

typecheck: install
	@$(STEP) typecheck "Type-checking every package" pnpm run typecheck

test: debian-test build ## Build, then run every package's tests
	@$(STEP) typecheck "Type-checking every package" pnpm run typecheck
	@$(STEP) architecture "Checking the architecture rules (dependency-cruiser)" pnpm run architecture
	@scripts/run-tests.sh

layer: build ## Build the exiftool + perl Lambda layers and the function bundle
	@scripts/ensure-debian-packages.sh $(DEBIAN_LAYER)
	@pnpm --filter @photo-organizer/layer-build run layer

fixtures: install ## Regenerate test-fixtures/media and expected.json (checked in)
	@scripts/ensure-debian-packages.sh $(DEBIAN_FIXTURES)
	@pnpm --filter @photo-organizer/test-fixtures run generate

demo: build ## Run the pipeline locally on the sample media (PHOTOS=dir for your own)
	@node packages/demo/dist/demo.js $(if $(PHOTOS),--photos "$(PHOTOS)")

# `exec` so Ctrl-C reaches only the demo, which stops everything and exits 0.
demo-serve: build ## Like demo, but keep the local S3 server up for your own uploads
	@exec node packages/demo/dist/demo.js --serve $(if $(PHOTOS),--photos "$(PHOTOS)")

demo-clean: ## Remove the demo's data (.demo/: the local S3 buckets and sample copies)
	@if [ -d .demo ]; then echo "Removing .demo/ ($$(du -sh .demo | cut -f1))"; rm -rf .demo; else echo "Nothing to remove: no .demo/"; fi

bench: debian-test build ## Benchmarks (QUICK=1 for a short run)
	@pnpm --filter @photo-organizer/bench run bench $(if $(QUICK),--quick)
	@pnpm --filter @photo-organizer/bench run lambda-sizes $(if $(QUICK),--quick --samples 10 --warm 2,--samples 20 --warm 4)
	@pnpm --filter @photo-organizer/s3-range-reader run bench --size-mb $(if $(QUICK),64,512)
	@pnpm --filter @photo-organizer/exiftool run bench
	@pnpm --filter @photo-organizer/exiftool run bench:stream-memory --size-mb $(if $(QUICK),256,1024)
	@pnpm --filter @photo-organizer/bench run backfill-model $(if $(QUICK),results/quick.json,results/latest.json)
	@pnpm --filter @photo-organizer/bench run requests-by-kind

reliability: debian-test build ## Soak and hostile-input suite with a report
	@pnpm --filter @photo-organizer/reliability run reliability

clean: ## Remove build outputs and installed dependencies
	rm -rf node_modules packages/*/node_modules packages/*/dist layer-build/dist .tools
