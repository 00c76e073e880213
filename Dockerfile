# The leeloo-mcp image for those who build with Docker:
#   docker build --build-arg VERSION=0.2.0 --build-arg REVISION="$(git rev-parse HEAD)" -t leeloo-mcp .
# Releases build the same image without Docker (packaging/image, run by
# scripts/release); TestDockerfileMatchesImage keeps this file equal to it.

FROM golang:1.26-bookworm AS build
ARG VERSION=devel
ARG REVISION=
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -buildvcs=false \
    -ldflags "-s -w -X github.com/leeloo-mcp/leeloo-mcp/internal/app.releaseVersion=${VERSION} -X github.com/leeloo-mcp/leeloo-mcp/internal/app.releaseCommit=${REVISION}" \
    -o /out/leeloo-mcp .

FROM scratch
ARG VERSION=devel
ARG REVISION=
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=build /out/leeloo-mcp /leeloo-mcp
USER 65532:65532
WORKDIR /
EXPOSE 8080/tcp
# Streamable HTTP on the container's interfaces; the server refuses to start
# this way without LEELOO_HTTP_TOKEN. LEELOO_TRANSPORT=stdio with docker run -i
# serves one local client instead.
ENV LEELOO_TRANSPORT=http LEELOO_LISTEN=0.0.0.0:8080
LABEL org.opencontainers.image.title="leeloo-mcp" \
      org.opencontainers.image.description="MCP server for a Leeloo.ai account: every REST API v2 endpoint as a tool, guarded sends" \
      org.opencontainers.image.source="https://github.com/leeloo-mcp/leeloo-mcp" \
      org.opencontainers.image.url="https://github.com/leeloo-mcp/leeloo-mcp" \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      io.modelcontextprotocol.server.name="io.github.leeloo-mcp/leeloo-mcp"
ENTRYPOINT ["/leeloo-mcp"]
