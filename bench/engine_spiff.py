"""SpiffWorkflow (PyPI, 3.x) on the reference process of benchmark 1: acceptance, the
auto-approval decision table, 4 department reviews in parallel with warning and
escalation timers, join, decision (script), certificate (service task stub), each step's
whole workflow serialised and written to a SQLite file (WAL) or PostgreSQL, and read back
before the next step, the way a web application persists it between requests
(the reference process of the engine benchmark, described in BENCHMARKS.md). Used by
``bench/engine.py``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import Column, Engine, Integer, MetaData, Table, Text, select

PROCESS = Path(__file__).resolve().parent / "reference"
DEPARTMENTS = ("A", "B", "C", "D")
FORM = {"vehicle_type": "truck", "tonnage": 15.0, "route": "urban"}  # not auto-approved

meta = MetaData()
instances = Table(
    "spiff_instances", meta, Column("id", Integer, primary_key=True), Column("state", Text)
)


class _Services:
    """The service tasks (notification, certificate) return at once, as the reference did."""

    def call_service(self, data: dict[str, Any], operation_name: str, **_: Any) -> str:
        return json.dumps({"ok": True, "operation": operation_name})


class _Engine(PythonScriptEngine):
    def __init__(self) -> None:
        super().__init__()
        self.services = _Services()

    def call_service(self, task: Any, **kwargs: Any) -> str:
        return self.services.call_service(task.data, **kwargs)


class Spiff:
    """One process specification and serializer, new workflow instances per case."""

    def __init__(self, engine: Engine, reference: Path) -> None:
        parser = SpiffBpmnParser()
        parser.add_bpmn_file(str(reference / "item_parallel_4.bpmn"))
        parser.add_dmn_file(str(reference / "auto_approval.dmn"))
        self.spec = parser.get_spec("service_item_parallel_4")
        self.subprocesses = parser.get_subprocess_specs("service_item_parallel_4")
        self.serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))
        self.script_engine = _Engine()
        self.db = engine
        meta.create_all(engine)

    def _save(self, workflow: BpmnWorkflow, row: int | None) -> int:
        state = self.serializer.serialize_json(workflow)
        with self.db.begin() as conn:
            if row is None:
                return int(
                    conn.execute(instances.insert().values(state=state)).inserted_primary_key[0]
                )
            conn.execute(instances.update().where(instances.c.id == row).values(state=state))
            return row

    def _load(self, row: int) -> BpmnWorkflow:
        with self.db.connect() as conn:
            state = conn.execute(
                select(instances.c.state).where(instances.c.id == row)
            ).scalar_one()
        workflow = self.serializer.deserialize_json(state)
        workflow.script_engine = self.script_engine
        return workflow

    def _complete(self, workflow: BpmnWorkflow, spec: str, data: dict[str, Any]) -> None:
        task = next(
            t for t in workflow.get_tasks(state=TaskState.READY) if t.task_spec.name == spec
        )
        task.data.update(data)
        task.run()
        workflow.do_engine_steps()

    def run_case(self, n: int) -> dict[str, Any]:
        """One case from acceptance to the certificate; the final data."""
        workflow = BpmnWorkflow(self.spec, self.subprocesses, script_engine=self.script_engine)
        workflow.do_engine_steps()
        row = self._save(workflow, None)
        workflow = self._load(row)
        case = {
            "item_no": f"ITEM-{n}",
            "applicant": f"applicant {n}",
            "reviews": {},
            "limits": {d: {"warn": "P2D", "limit": "P3D"} for d in DEPARTMENTS},
        }
        self._complete(workflow, "acceptance", {**FORM, **case})
        row = self._save(workflow, row)
        for dept in DEPARTMENTS:
            workflow = self._load(row)
            reviews = dict(workflow.get_tasks(state=TaskState.READY)[0].data.get("reviews", {}))
            self._complete(workflow, f"review_{dept}", {"reviews": {**reviews, dept: True}})
            row = self._save(workflow, row)
        workflow = self._load(row)
        assert workflow.is_completed(), "the process did not reach its end"
        return workflow.data
