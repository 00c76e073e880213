# Tasks of leeloo-mcp. CI runs the same commands (.ci/run).
GO ?= go
STATICCHECK = $(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2
ERRCHECK = $(GO) run github.com/kisielk/errcheck@v1.30.0 -ignoretests

.PHONY: test race lint vuln e2e bench golden build

test:
	$(GO) test ./...
	cd packaging && $(GO) test ./mcpb

race:
	$(GO) test -race ./...

lint:
	@test -z "$$(gofmt -l .)" || { gofmt -l .; exit 1; }
	$(GO) vet ./...
	$(STATICCHECK) ./...
	$(ERRCHECK) -exclude .ci/errcheck-excludes ./...

# vuln: govulncheck of the root module and packaging/, with the Go
# vulnerability database taken from the module proxy (scripts/vulncheck).
vuln:
	bash scripts/vulncheck

build:
	CGO_ENABLED=0 $(GO) build -trimpath -o bin/leeloo-mcp .

e2e: build
	bash e2e/run.sh bin/leeloo-mcp

bench:
	bash bench/run

# golden rewrites every generated file: tool snapshots, tools/schemas.json,
# testdata/catalog.json, the README tables and the bundle manifest.
golden:
	UPDATE_GOLDEN=1 $(GO) test ./...
	cd packaging && UPDATE_GOLDEN=1 $(GO) test ./mcpb
