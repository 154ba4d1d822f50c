"""Package the Chalice app and deploy it, with the declared resources, as ONE CloudFormation stack.

    python -m infrastructure.deploy --stage local [--env KEY=VALUE ...]

1. `chalice package --stage STAGE` -> sam.json, deployment.zip, layer-deployment.zip (dependencies, without
   the AWS SDK the Lambda runtime ships; on the emulator a second layer stands in for it: infrastructure.layer).
2. Add the declared resources (infrastructure.template), let every SQS-triggered function report partial
   batch failures (Chalice cannot say so itself) and depend on its queue.
3. Upload the zips under content-addressed keys (a code change always yields a real update).
4. Expand the SAM transform here (aws-sam-translator), so any stack engine can take the template.
5. Create or update the stack, wait, reconcile; print and return the outputs and the API URL.

Goes wherever AWS_ENDPOINT_URL points (the local emulator) or to the real account when it is unset.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import boto3
from botocore.exceptions import ClientError

from infrastructure import layer

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_BODY_LIMIT = 51_200
ARTIFACTS = {"AWS::Serverless::Function": "CodeUri", "AWS::Serverless::LayerVersion": "ContentUri"}


def log(msg: str) -> None:
    print(f"[deploy {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def stage_environment(stage: str) -> dict[str, str]:
    config = json.loads((ROOT / ".chalice" / "config.json").read_text())
    env = dict(config.get("environment_variables", {}))
    env.update(config["stages"][stage].get("environment_variables", {}))
    return env


def package(stage: str, out: Path) -> dict[str, Any]:
    env = {**os.environ, **stage_environment(stage)}
    # Packaging reads the app (queue names come from the stage's prefix) but must call no AWS.
    env.pop("AWS_ENDPOINT_URL", None)
    chalice = Path(sys.executable).parent / "chalice"
    subprocess.run([str(chalice), "--project-dir", str(ROOT), "package", "--stage", stage, str(out)],
                   check=True, env=env, stdout=subprocess.DEVNULL)
    layer.strip_runtime_sdk(out / "layer-deployment.zip")
    template: dict[str, Any] = json.loads((out / "sam.json").read_text())
    return template


# API Gateway throttling (requests per second, burst) for the whole stage, and tighter for the public
# verification e-service, which anyone may call with documents of up to 2 MiB.
API_THROTTLING = [
    {"ResourcePath": "/*", "HttpMethod": "*", "ThrottlingRateLimit": 500, "ThrottlingBurstLimit": 1000},
    {"ResourcePath": "/~1v1~1signatures~1verify", "HttpMethod": "POST", "ThrottlingRateLimit": 20,
     "ThrottlingBurstLimit": 40},
]


def merge_resources(template: dict[str, Any], stage: str, extra_env: dict[str, str]) -> None:
    os.environ.update({k: v for k, v in stage_environment(stage).items() if k.startswith("EURZAD_")})
    from infrastructure.template import function_policy, function_settings, give_the_api_its_role, render

    declared = render()["Resources"]
    for res in template["Resources"].values():
        if res["Type"] == "AWS::IAM::Role":  # chalice's DefaultRole: add access to the declared resources
            res["Properties"].setdefault("Policies", []).append(function_policy())
        if res["Type"] == "AWS::Serverless::Api":
            res["Properties"]["MethodSettings"] = API_THROTTLING
    give_the_api_its_role(template["Resources"])
    template["Resources"].update(declared)
    queues = [name for name, res in declared.items() if res["Type"] == "AWS::SQS::Queue"]
    for name, res in template["Resources"].items():
        if res["Type"] != "AWS::Serverless::Function":
            continue
        props = res["Properties"]
        function_settings(name, props)
        if extra_env:
            props.setdefault("Environment", {}).setdefault("Variables", {}).update(extra_env)
        for event in props.get("Events", {}).values():
            if event.get("Type") == "SQS":
                event["Properties"]["FunctionResponseTypes"] = ["ReportBatchItemFailures"]
                res["DependsOn"] = sorted(set(res.get("DependsOn", [])) | set(queues))


def upload(s3: Any, template: dict[str, Any], out: Path, bucket: str, prefix: str) -> None:
    for res in template["Resources"].values():
        prop = ARTIFACTS.get(res["Type"])
        local = res["Properties"].get(prop) if prop else None
        if not isinstance(local, str) or local.startswith("s3://"):
            continue
        path = (out / local).resolve()
        key = f"{prefix}/{path.stem}-{hashlib.sha256(path.read_bytes()).hexdigest()[:16]}.zip"
        try:
            s3.head_object(Bucket=bucket, Key=key)
        except ClientError:
            s3.upload_file(str(path), bucket, key)
            log(f"uploaded {path.name} ({path.stat().st_size / 1e6:.1f} MB)")
        res["Properties"][prop] = f"s3://{bucket}/{key}"


def fix_greedy_path(template: dict[str, Any]) -> None:
    """Chalice names the fallback route's parameter `proxy+`; API Gateway calls it `proxy`."""
    for res in template["Resources"].values():
        for methods in (res["Properties"].get("DefinitionBody") or {}).get("paths", {}).values():
            for operation in methods.values():
                for param in operation.get("parameters", []) if isinstance(operation, dict) else []:
                    if param.get("name", "").endswith("+"):
                        param["name"] = param["name"].rstrip("+")


def edge_of_api(final: dict[str, Any]) -> None:
    """After the SAM expansion: every REST API gets its gateway responses (in the error shape) and its binary
    media types as properties. Both only take effect with a new deployment, so the deployment waits for them;
    and the swagger extensions alone are not read by every engine (the local emulator ignores them)."""
    from infrastructure.template import gateway_responses

    resources = final["Resources"]
    for api_id, api in list(resources.items()):
        if api["Type"] != "AWS::ApiGateway::RestApi":
            continue
        binary = (api["Properties"].get("Body") or {}).get("x-amazon-apigateway-binary-media-types")
        if binary:
            api["Properties"]["BinaryMediaTypes"] = binary
        responses = gateway_responses(api_id)
        resources.update(responses)
        for res in resources.values():
            if res["Type"] == "AWS::ApiGateway::Deployment" and res["Properties"].get("RestApiId") == {"Ref": api_id}:
                res["DependsOn"] = sorted(set(res.get("DependsOn", [])) | set(responses))


def expand_sam(template: dict[str, Any]) -> dict[str, Any]:
    from samtranslator.translator.transform import transform

    no_managed_policies = type("Loader", (), {"load": staticmethod(dict)})()
    expanded: dict[str, Any] = transform(template, {}, no_managed_policies)
    return expanded


def ensure_bucket(s3: Any, bucket: str, region: str) -> None:
    try:
        s3.head_bucket(Bucket=bucket)
    except ClientError:
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region})


def deploy(stage: str, extra_env: dict[str, str] | None = None) -> dict[str, str]:
    from infrastructure import stack

    region = os.environ.setdefault("AWS_DEFAULT_REGION", "eu-central-1")
    prefix = stage_environment(stage)["EURZAD_RESOURCE_PREFIX"]
    stack_name = f"{prefix}-app"
    bucket = f"{prefix}-deployment-artifacts"
    s3 = boto3.client("s3", region_name=region)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="eurzad-package-") as tmp:
        out = Path(tmp) / "out"
        template = package(stage, out)
        log(f"packaged in {time.monotonic() - started:.1f}s")
        merge_resources(template, stage, extra_env or {})
        if os.environ.get("AWS_ENDPOINT_URL"):  # the emulator's interpreter lacks the runtime's boto3
            layer.attach_sdk_layer(template, layer.build_sdk_layer(out), prefix)
        ensure_bucket(s3, bucket, region)
        upload(s3, template, out, bucket, stack_name)
    api_stage = template["Resources"].get("RestAPI", {}).get("Properties", {}).get("StageName", "api")
    fix_greedy_path(template)
    final = expand_sam(template)
    edge_of_api(final)
    body = json.dumps(final)
    endpoint = os.environ.get("AWS_ENDPOINT_URL")
    template_url = None
    if len(body) > TEMPLATE_BODY_LIMIT:
        key = f"{stack_name}/template-{hashlib.sha256(body.encode()).hexdigest()[:16]}.json"
        s3.put_object(Bucket=bucket, Key=key, Body=body.encode())
        base = endpoint.rstrip("/") if endpoint else f"https://s3.{region}.amazonaws.com"
        template_url = f"{base}/{bucket}/{key}"
    result = stack.deploy(stack_name, final, template_url=template_url)
    outputs = {o["OutputKey"]: o["OutputValue"] for o in result.get("Outputs", [])}
    api_id = outputs.get("RestAPIId")
    if endpoint and api_id:
        outputs["api"] = f"{endpoint.rstrip('/')}/restapis/{api_id}/{api_stage}/_user_request_"
    elif "EndpointURL" in outputs:
        outputs["api"] = outputs["EndpointURL"].rstrip("/")
    log(f"stack {stack_name} ready in {time.monotonic() - started:.1f}s")
    return outputs


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m infrastructure.deploy")
    parser.add_argument("--stage", required=True)
    parser.add_argument("--env", action="append", default=[], help="KEY=VALUE for every function")
    args = parser.parse_args(argv)
    extra = dict(item.split("=", 1) for item in args.env)
    print(json.dumps(deploy(args.stage, extra), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
