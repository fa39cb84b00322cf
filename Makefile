# shopsync: `make up` runs the platform on this machine, `make test` runs every gate.
# No Docker needed: Kafka comes from Maven Central, Postgres from Debian (see deploy/).
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
ARGS ?=

.PHONY: help up down status test lint fmt infra-up infra-down kafka-reset asyncapi openapi bench bench-shopify bench-gateway bench-orders logs

help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  make %-14s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

up: ## install what is missing; start Kafka, Postgres, the services and the Shopify emulator
	@bash deploy/bootstrap.sh
	@bash deploy/kafka.sh start
	@bash deploy/postgres.sh start
	@bash deploy/services.sh start

down: ## stop the services, Kafka and Postgres (Postgres only if these scripts started it)
	@bash deploy/services.sh stop
	@bash deploy/kafka.sh stop
	@bash deploy/postgres.sh stop

status: ## what is running
	@bash deploy/services.sh status
	@bash deploy/kafka.sh status
	@bash deploy/postgres.sh status

test: ## every gate: ruff, ruff format, mypy, import-linter, pytest (ARGS="..." go to pytest)
	@bash deploy/test.sh $(ARGS)

lint: ## the static gates only: ruff, mypy, import-linter
	@uv run ruff check .
	@uv run ruff format --check .
	@uv run mypy libs services sim
	@uv run lint-imports

fmt: ## format the code and apply ruff's autofixes
	@uv run ruff format . && uv run ruff check --fix .

infra-up: ## Kafka and Postgres only
	@bash deploy/bootstrap.sh
	@bash deploy/kafka.sh start
	@bash deploy/postgres.sh start

infra-down: ## stop Kafka and Postgres
	@bash deploy/kafka.sh stop
	@bash deploy/postgres.sh stop

kafka-reset: ## stop Kafka and wipe its data (.run/kafka)
	@bash deploy/kafka.sh reset

asyncapi: ## regenerate docs/asyncapi.json from the topic registry
	@uv run python -m plumbing.asyncapi docs/asyncapi.json

openapi: ## regenerate the ERP connector API's openapi.json from its operation table
	@uv run python -m erp_connector.openapi libs/erp/src/erp_connector/openapi.json

bench: ## run the benchmarks against the running servers (make infra-up first)
	@source deploy/env.sh && uv run python -m bench.pipeline

bench-shopify: ## the 500 x 50-point query burst against Standard and Plus emulated shops
	@uv run python -m bench.shopify_burst

bench-gateway: ## signed webhooks at 250-1500/s against one gateway process (make infra-up first)
	@source deploy/env.sh && uv run python -m bench.gateway

bench-orders: ## orders end to end: latency, orders/s with 1 and 2 orders processes (make infra-up first)
	@source deploy/env.sh && uv run python -m bench.orders $(ARGS)

logs: ## follow the services' logs
	@tail -F .run/logs/*.log
