from pipeline.settings import configure_prefect

configure_prefect()  # before any test imports Prefect: no telemetry, state under the project
