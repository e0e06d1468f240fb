# verrijk in production mode: one image for `serve` and `worker`.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/verrijk ./cmd/verrijk

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates && rm -rf /var/lib/apt/lists/* \
 && useradd --system --home /var/lib/verrijk --create-home verrijk
COPY --from=build /out/verrijk /usr/local/bin/verrijk
COPY configs /etc/verrijk
USER verrijk
WORKDIR /var/lib/verrijk
ENV VERRIJK_DATA_DIR=/var/lib/verrijk
EXPOSE 8080
ENTRYPOINT ["verrijk"]
CMD ["serve", "--config", "/etc/verrijk/compose.yaml"]
