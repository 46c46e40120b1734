# AlexNet on Vulkan compute, in Go. `make demo` trains on the default dataset; `make test` runs every
# test, with the GPU suites on three software drivers (lavapipe 512- and 256-bit, SwiftShader) and
# validation on. Both install what they need first (`scripts/setup.sh demo` for the demo, `make setup` for the tests).
SHELL := /bin/bash
GO ?= go
GLSLC_FLAGS := --target-env=vulkan1.2 -O
SHADERS := $(wildcard shaders/*.comp)
SPIRV := $(SHADERS:.comp=.spv)
export CGO_ENABLED := 1

.PHONY: all setup setup-run shaders build test vet demo bench gpucheck clean

all: build

## setup: install the system packages of everything, the test matrix included (idempotent; Mesa
## lavapipe from bookworm-backports)
setup:
	@bash scripts/setup.sh all

## setup-run: install what building and running every command needs (the demo's packages and GLFW's headers)
setup-run:
	@bash scripts/setup.sh run

## shaders: recompile the GLSL kernels to the committed SPIR-V (needs glslc)
shaders: $(SPIRV)

shaders/%.spv: shaders/%.comp $(wildcard shaders/*.glsl) shaders/contract.glsl
	glslc $(GLSLC_FLAGS) -I shaders -o $@ $<

# The constants Go and GLSL share are defined in contract.go; contract.glsl is generated from it.
shaders/contract.glsl: shaders/contract.go
	cd shaders && $(GO) test -run TestContractHeader -update .

# -trimpath: binaries independent of the checkout's directory, so a second clone on the same machine
# reuses the build cache (a cold clone's build of the demo's three commands: 9.9 s without, 3.8 s with).
GOBUILD := $(GO) build -trimpath

## build: compile every command into bin/
build: setup-run
	$(GOBUILD) -o bin/ ./cmd/...

vet: setup
	$(GO) vet ./...

## test: the three-driver matrix (scripts/test.sh): every test on lavapipe at 512 bits, the GPU suites
## again on lavapipe at 256 bits and on SwiftShader; a device is required and validation is on.
## TEST_LEGS="swiftshader" (or lavapipe-512, lavapipe-256) runs some legs only.
test: setup vet
	@bash scripts/test.sh

## demo: train alexnet-small on Fashion-MNIST and show the results (builds only the commands it runs:
## bin/train, bin/evaluate, bin/classify; `make build` builds every one, bin/viewer included).
## The build needs no system package but the C compiler (the Vulkan bindings load the driver at run
## time), so it runs beside the package setup (`scripts/setup.sh demo`: lavapipe, the Vulkan loader,
## gcc, Fashion-MNIST); where it fails (no gcc yet), it runs again after.
DEMO_CMDS := ./cmd/train ./cmd/evaluate ./cmd/classify
demo:
	@bash scripts/setup.sh demo & setup=$$!; log=$$(mktemp); \
	echo "$(GOBUILD) -o bin/ $(DEMO_CMDS)   (beside the package setup)"; \
	$(GOBUILD) -o bin/ $(DEMO_CMDS) >$$log 2>&1; built=$$?; \
	wait $$setup || { rm -f $$log; exit 1; }; \
	if [ $$built = 0 ]; then cat $$log; rm -f $$log; \
	else rm -f $$log; $(GOBUILD) -o bin/ $(DEMO_CMDS); fi
	@bash scripts/demo.sh

## bench: kernel benchmarks on the current device
bench: setup
	ALEXNET_REQUIRE_GPU=1 $(GO) test -run '^$$' -bench . -benchtime 3x ./layers/vk/

## gpucheck: prepare bin/gpucheck, the self-contained GPU check to carry to a GPU machine without Go
## (then there: bash bin/gpucheck/gpu_check.sh run)
gpucheck: setup
	@bash scripts/gpu_check.sh prepare

clean:
	rm -rf bin
