"""The zen-engine peer over HTTP: FastAPI, one uvicorn worker, optionally a SQLite decision log.

    python bench/peer_app.py --port 8100 [--log /tmp/peer.db]

What a team would write around zen-engine: POST /v1/grade evaluates the JDM graph
and answers the figures; with --log, each decision is inserted and committed (WAL,
synchronous=NORMAL, as gradegate's log) before the answer. No auth, no validation.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from pathlib import Path

import orjson
import uuid_utils
from fastapi import FastAPI, Request
from fastapi.responses import Response

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.peer_zen import answer, load_decision
from gradegate.scoring.rulesets import load_rulesets


def create(log: Path | None) -> FastAPI:
    rules = load_rulesets().grading.rules
    decision = load_decision(rules)
    db: sqlite3.Connection | None = None
    if log is not None:
        db = sqlite3.connect(log, check_same_thread=False)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("CREATE TABLE IF NOT EXISTS decisions (id TEXT PRIMARY KEY, input TEXT, output TEXT)")
    app = FastAPI()

    @app.post("/v1/grade")
    async def grade(request: Request) -> Response:
        body = await request.body()
        out = orjson.dumps(answer(decision.evaluate(orjson.loads(body))["result"], rules))
        if db is not None:
            db.execute("INSERT INTO decisions VALUES (?, ?, ?)", (str(uuid_utils.uuid7()), body.decode(), out.decode()))
            db.commit()
        return Response(out, media_type="application/json")

    return app


def main() -> None:
    import uvicorn

    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--log", type=Path, default=None)
    args = parser.parse_args()
    uvicorn.run(create(args.log), host="127.0.0.1", port=args.port, access_log=False, log_level="warning")


if __name__ == "__main__":
    main()
