# Entry points for people and CI. Every target provisions what it needs (Node 22 + pnpm into
# .tools/, Debian packages through apt-get), so a fresh clone needs no manual step.
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

.PHONY: help tools debian-test install build typecheck test layer fixtures demo demo-serve bench reliability clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | column -t -s $$'\t'

tools: ## Install Node $(NODE_VERSION) and pnpm into .tools/
	@scripts/bootstrap.sh

debian-test:
	@scripts/ensure-debian-packages.sh $(DEBIAN_TEST)

install: tools ## Install dependencies exactly as locked
	@pnpm install --frozen-lockfile --reporter=append-only

build: install ## Build every package (tsup) and the Lambda bundle
	@pnpm run build

typecheck: install
	@pnpm run typecheck

test: debian-test build ## Build, then run every package's tests
	@pnpm run typecheck
	@scripts/run-tests.sh

layer: install ## Build the exiftool + perl Lambda layers and the function bundle
	@scripts/ensure-debian-packages.sh $(DEBIAN_LAYER)
	@pnpm run build
	@pnpm --filter @photo-organizer/layer-build run layer

fixtures: install ## Regenerate test-fixtures/media and expected.json (checked in)
	@scripts/ensure-debian-packages.sh $(DEBIAN_FIXTURES)
	@pnpm --filter @photo-organizer/test-fixtures run generate

demo: build ## Run the pipeline locally on the sample media (PHOTOS=dir for your own)
	@node packages/demo/dist/demo.js $(if $(PHOTOS),--photos "$(PHOTOS)")

demo-serve: build ## Like demo, but keep the local S3 server up for your own uploads
	@node packages/demo/dist/demo.js --serve $(if $(PHOTOS),--photos "$(PHOTOS)")

bench: debian-test build ## Benchmarks (QUICK=1 for a short run)
	@pnpm --filter @photo-organizer/bench run bench $(if $(QUICK),--quick)
	@pnpm --filter @photo-organizer/bench run lambda-sizes $(if $(QUICK),--quick --samples 10 --warm 2,--samples 20 --warm 4)
	@pnpm --filter @photo-organizer/s3-range-reader run bench --size-mb $(if $(QUICK),64,512)
	@pnpm --filter @photo-organizer/exiftool run bench

reliability: debian-test build ## Soak and hostile-input suite with a report
	@pnpm --filter @photo-organizer/reliability run reliability

clean: ## Remove build outputs and installed dependencies
	rm -rf node_modules packages/*/node_modules packages/*/dist layer-build/dist .tools
