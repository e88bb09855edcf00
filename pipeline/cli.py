"""`python -m pipeline …`: the command line over the library and the flow.

Library exceptions become one-line messages here, at the edge.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .errors import PipelineError
from .rules import RULES_DIR
from .settings import DEFAULT_BATCH_SIZE, SERVER_START_TIMEOUT_SECONDS, configure_environment
from .tempserver import start_temporary_server


def _run(args: argparse.Namespace) -> int:
    from .ruleset import load_ruleset

    # a malformed rules file stops here with file and line, before Prefect starts (spaCy's own
    # check of the span patterns runs where spaCy is loaded: in the process that extracts)
    load_ruleset(args.rules)
    configure_environment()
    server = start_temporary_server()  # starts while Prefect and the flow are imported
    from flows.extract_flow import extract_policies  # Prefect reads its settings at import
    from flows.runners import task_runner

    flow = extract_policies.with_options(task_runner=task_runner(args.runner, args.workers, args.address))
    if server:
        server.wait_ready(timeout=SERVER_START_TIMEOUT_SECONDS)
    # with Dask the cluster's processes do the work; locally, `workers` processes do
    summary = flow(raw_dir=str(args.raw), out_dir=str(args.out), rules_dir=str(args.rules),
                   batch_size=args.batch_size, full=args.full, workers=1 if args.runner == "dask" else args.workers)
    print(summary.describe())
    return 0


def _eval(args: argparse.Namespace) -> int:
    from .evaluate import format_report, load_gold, load_outputs, score

    report = score(load_gold(args.gold), load_outputs(args.out))
    print(format_report(report, show_misses=not args.quiet))
    return 0


def _query(args: argparse.Namespace) -> int:
    from .query import format_table, run_query

    columns, rows = run_query(args.out, args.sql)
    print(format_table(columns, rows, max_width=args.max_width))
    return 0


def _schema(args: argparse.Namespace) -> int:
    from .schema_doc import render_schema_doc

    print(render_schema_doc(), end="")
    return 0


def _unknown_agencies(args: argparse.Namespace) -> int:
    from .query import CANONICAL_COVERAGE_SQL, UNKNOWN_AGENCIES_SQL, format_table, run_query

    print(format_table(*run_query(args.out, CANONICAL_COVERAGE_SQL)))
    print()
    print(format_table(*run_query(args.out, UNKNOWN_AGENCIES_SQL)))
    return 0


def _serve(args: argparse.Namespace) -> int:
    from .serving import serve

    serve(args.cron, raw_dir=args.raw, out_dir=args.out, rules_dir=args.rules, batch_size=args.batch_size,
          api_url=args.api_url, timezone=args.timezone, watch=args.watch)
    return 0


def _server(args: argparse.Namespace) -> int:
    from .serving import run_server

    run_server(args.host, args.port)
    return 0


def _review(args: argparse.Namespace) -> int:
    from .review import build_review

    index = build_review(args.out)
    print(f"review pages written; open {index}")
    return 0


def _extraction_args() -> argparse.ArgumentParser:
    """Options shared by `run` and `serve`: where inputs, outputs and rules are, and the batch size."""
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument("--raw", type=Path, default=Path("raw"), help="directory of input files (default: raw)")
    parent.add_argument("--out", type=Path, default=Path("outputs"), help="output directory (default: outputs)")
    parent.add_argument("--rules", type=Path, default=RULES_DIR, help="rules directory (default: the project's rules/)")
    parent.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE,
                        help=f"documents per Prefect task (default: {DEFAULT_BATCH_SIZE})")
    return parent


def _tables_arg() -> argparse.ArgumentParser:
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument("--out", type=Path, default=Path("outputs"), help="directory holding the tables (default: outputs)")
    return parent


def build_parser() -> argparse.ArgumentParser:
    extraction, tables = _extraction_args(), _tables_arg()
    parser = argparse.ArgumentParser(
        prog="python -m pipeline",
        description="Chinese policy plans → Parquet tables (documents, measures, targets, dates, agencies).",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser("run", parents=[extraction], help="run the Prefect flow over a directory of raw texts",
                              description="Extract every file in --raw and publish the tables into --out atomically.")
    run.add_argument("--full", action="store_true", help="re-extract every document, changed or not")
    run.add_argument("--workers", type=int, default=1,
                     help="processes for extraction (default: 1, in-process); jieba/spaCy need processes to use more cores")
    run.add_argument("--runner", choices=("local", "dask"), default="local",
                     help="local processes, or a Dask cluster (default: local)")
    run.add_argument("--address", help="scheduler of an existing Dask cluster, e.g. tcp://10.0.0.5:8786 "
                                       "(with --runner dask; default: a LocalCluster of --workers processes)")
    run.set_defaults(handler=_run)

    serve = commands.add_parser("serve", parents=[extraction], help="register the flow with a cron schedule on a Prefect server and run it",
                                description="Registers deployment extract-policies/scheduled on the Prefect server at "
                                            "--api-url and executes its runs until Ctrl-C/SIGTERM. Start the server "
                                            "first with `python -m pipeline server`.")
    serve.add_argument("--cron", required=True, help='5-field cron schedule, e.g. "0 6 * * *" (06:00 daily)')
    serve.add_argument("--api-url", help="Prefect API (default: $PREFECT_API_URL or http://127.0.0.1:4200/api)")
    serve.add_argument("--timezone", default="UTC", help="IANA time zone of the cron schedule (default: UTC)")
    serve.add_argument("--watch", action="store_true", help="also run within seconds when a file in --raw changes")
    serve.set_defaults(handler=_serve)

    server = commands.add_parser("server", help="start a local Prefect server (state in .prefect/, no telemetry)",
                                 description="Runs `prefect server start` on 127.0.0.1 with the project's settings.")
    server.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    server.add_argument("--port", type=int, default=4200, help="port (default: 4200)")
    server.set_defaults(handler=_server)

    evaluate = commands.add_parser("eval", parents=[tables], help="score output tables against gold annotations",
                                   description="Precision/recall/F1 for measures, targets and agencies; "
                                               "title, year, comparator and document-field accuracy; the misses.")
    evaluate.add_argument("--gold", type=Path, required=True, help="directory of gold *.json files")
    evaluate.add_argument("--quiet", action="store_true", help="scores only, without the list of misses")
    evaluate.set_defaults(handler=_eval)
    query = commands.add_parser("query", parents=[tables], help="run SQL (DuckDB) over the tables",
                                description="Views named after the tables (documents, measures, targets, dates, "
                                            "agencies, errors, runs) read the current Parquet snapshot in place.")
    query.add_argument("sql", help='the query, e.g. "SELECT region, count(*) FROM targets JOIN documents USING (doc_id) GROUP BY 1"')
    query.add_argument("--max-width", type=int, default=60, help="cut cells longer than this (default: 60)")
    query.set_defaults(handler=_query)

    unknown = commands.add_parser("unknown-agencies", parents=[tables], help="agency names without a canonical name, to grow the alias table",
                                  description="Coverage of name_canonical, then every name rules/agency_aliases.yaml "
                                              "does not resolve, with its region and how often it occurs.")
    unknown.set_defaults(handler=_unknown_agencies)

    review = commands.add_parser("review", parents=[tables], help="write static HTML review pages into OUT/review/",
                                 description="One page per document: the measure tree, the text with targets, "
                                             "dates and agencies highlighted (hover for the values), and counts.")
    review.set_defaults(handler=_review)

    schema = commands.add_parser("schema", help="print the tables' schema as markdown (docs/SCHEMA.md)",
                                 description="Render docs/SCHEMA.md from the pyarrow schemas.")
    schema.set_defaults(handler=_schema)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except PipelineError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into `head`: stop quietly
        sys.stderr.close()
        return 0
