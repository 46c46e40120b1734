# AlexNet on Vulkan compute, in Go. `make demo` trains on the default dataset; `make test` runs every
# test (GPU tests on lavapipe with validation on). Both install what they need first (`make setup`).
SHELL := /bin/bash
GO ?= go
GLSLC_FLAGS := --target-env=vulkan1.2 -O
SHADERS := $(wildcard shaders/*.comp)
SPIRV := $(SHADERS:.comp=.spv)
export CGO_ENABLED := 1

.PHONY: all setup shaders build test vet demo bench clean

all: build

## setup: install the system packages (idempotent; Mesa lavapipe from bookworm-backports)
setup:
	@bash scripts/setup.sh

## shaders: recompile the GLSL kernels to the committed SPIR-V (needs glslc)
shaders: $(SPIRV)

shaders/%.spv: shaders/%.comp $(wildcard shaders/*.glsl) shaders/contract.glsl
	glslc $(GLSLC_FLAGS) -I shaders -o $@ $<

# The constants Go and GLSL share are defined in contract.go; contract.glsl is generated from it.
shaders/contract.glsl: shaders/contract.go
	cd shaders && $(GO) test -run TestContractHeader -update .

## build: compile every command into bin/
build: setup
	$(GO) build -o bin/ ./cmd/...

vet: setup
	$(GO) vet ./...

## test: every test, GPU tests required to find a device (lavapipe) and run with validation on
test: setup vet
	@bash scripts/test.sh

## demo: train alexnet-small on Fashion-MNIST and show the results
demo: setup build
	@bash scripts/demo.sh

## bench: kernel benchmarks on the current device
bench: setup
	ALEXNET_REQUIRE_GPU=1 $(GO) test -run '^$$' -bench . -benchtime 3x ./layers/vk/

clean:
	rm -rf bin
