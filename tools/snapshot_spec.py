"""Write the trimmed service-model snapshots that the fake is driven by.

The fake validates, routes and serializes from these snapshots, so that the legacy ``chime`` model (gone
from botocore after 1.37.1) travels with the package. Regenerate with the botocore that has the model::

    python tools/snapshot_spec.py chime          # needs botocore<=1.37.1
    python tools/snapshot_spec.py chime-sdk-voice

``tests/test_conformance.py`` compares the snapshot with the installed model, so drift fails the suite.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import botocore.session

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "pytest_chime_proxy" / "core" / "wire" / "specs"

# The operations the fake answers are the ones ``core/operations/`` registers; every other operation of the
# namespace is routed too, but only to answer "not emulated" loudly.
sys.path.insert(0, str(ROOT))  # this checkout, before any installed (editable) copy
from pytest_chime_proxy.core.operations import emulated  # noqa: E402 - after the path that finds this checkout

KEEP = (
    "type",
    "required",
    "members",
    "member",
    "key",
    "value",
    "min",
    "max",
    "pattern",
    "enum",
    "sensitive",
    "location",
    "locationName",
    "shape",
    "timestampFormat",
    "error",
    "exception",
)


def _clean(shape: dict) -> dict:
    """The shape without documentation and other keys the fake does not read."""
    kept = {k: v for k, v in shape.items() if k in KEEP}
    if "members" in kept:
        kept["members"] = {name: {k: v for k, v in ref.items() if k in KEEP} for name, ref in kept["members"].items()}
    for part in ("member", "key", "value"):
        if part in kept:
            kept[part] = {k: v for k, v in kept[part].items() if k in KEEP}
    return kept


def snapshot(service: str) -> dict:
    model = botocore.session.get_session().get_service_model(service)
    raw = model._service_description  # the JSON as shipped
    shapes: dict = {}

    def walk(name: str) -> None:
        if name in shapes:
            return
        shape = raw["shapes"][name]
        shapes[name] = _clean(shape)
        for member in shape.get("members", {}).values():
            walk(member["shape"])
        for part in ("member", "key", "value"):
            if part in shape:
                walk(shape[part]["shape"])

    operations = {}
    for name in emulated():
        if name not in raw["operations"]:
            continue  # an operation of the other namespace alone (chime-sdk-voice has many the legacy model lacks)
        op = raw["operations"][name]
        operations[name] = {
            "http": {
                "method": op["http"]["method"],
                "requestUri": op["http"]["requestUri"],
                "responseCode": op["http"].get("responseCode", 200),
            },
            "input": op.get("input", {}).get("shape"),
            "output": op.get("output", {}).get("shape"),
            "errors": [e["shape"] for e in op.get("errors", [])],
        }
        for key in ("input", "output"):
            if operations[name][key]:
                walk(operations[name][key])
        for err in operations[name]["errors"]:
            walk(err)
    others = {
        name: {"method": op["http"]["method"], "requestUri": op["http"]["requestUri"]}
        for name, op in raw["operations"].items()
        if name not in operations
    }
    return {
        "metadata": {k: raw["metadata"].get(k) for k in ("apiVersion", "endpointPrefix", "signingName", "protocol")},
        "botocore": botocore.__version__,
        "operations": operations,
        "other_operations": others,
        "shapes": dict(sorted(shapes.items())),
    }


def main(argv: list[str]) -> None:
    for service in argv:
        spec = snapshot(service)
        path = OUT / f"{service}.json"
        path.write_text(json.dumps(spec, indent=1, sort_keys=True) + "\n")
        print(f"wrote {path} from botocore {spec['botocore']}")


if __name__ == "__main__":
    main(sys.argv[1:] or ["chime-sdk-voice"])
