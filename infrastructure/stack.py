"""Create or update a CloudFormation stack and wait for it; then reconcile what a stack engine may skip.

Works against whatever AWS_ENDPOINT_URL points at (the local emulator, LocalStack) or the real cloud.
"""

from __future__ import annotations

import json
import time
from typing import Any

import boto3
from botocore.exceptions import ClientError

from chalicelib.core.settings import get_settings
from chalicelib.modules import tables
from infrastructure.template import ttl_attribute

CAPABILITIES = ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"]


def _client(service: str) -> Any:
    return boto3.client(service, region_name=get_settings().region)


def _wait(cf: Any, name: str, timeout: float) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        stack: dict[str, Any] = cf.describe_stacks(StackName=name)["Stacks"][0]
        status = stack["StackStatus"]
        if not status.endswith("_IN_PROGRESS"):
            break
        if time.monotonic() > deadline:
            raise TimeoutError(f"stack {name} still {status} after {timeout:.0f}s")
        time.sleep(0.5)
    if status not in ("CREATE_COMPLETE", "UPDATE_COMPLETE"):
        events = cf.describe_stack_events(StackName=name).get("StackEvents", [])
        failed = [f"{e['LogicalResourceId']}: {e.get('ResourceStatusReason')}" for e in events
                  if "FAILED" in e.get("ResourceStatus", "")]
        raise RuntimeError(f"stack {name} ended {status}: {stack.get('StackStatusReason')} {failed[:5]}")
    return stack


def deploy(
    name: str, template: dict[str, Any], *, template_url: str | None = None, timeout: float = 600.0
) -> dict[str, Any]:
    """Create or update stack `name`; a template too big to send inline is given by `template_url`."""
    cf = _client("cloudformation")
    source = {"TemplateURL": template_url} if template_url else {"TemplateBody": json.dumps(template)}
    try:
        cf.describe_stacks(StackName=name)
        exists = True
    except ClientError:
        exists = False
    if exists:
        try:
            cf.update_stack(StackName=name, Capabilities=CAPABILITIES, **source)
        except ClientError as exc:
            if "No updates are to be performed" not in str(exc):
                raise
    else:
        cf.create_stack(StackName=name, Capabilities=CAPABILITIES, **source)
    stack = _wait(cf, name, timeout)
    reconcile()
    return stack


def reconcile() -> None:
    """Make sure TTL is on and the sender identity exists, whatever the stack engine did with them."""
    ddb = _client("dynamodb")
    for model in tables():
        attr = ttl_attribute(model)
        if not attr:
            continue
        status = ddb.describe_time_to_live(TableName=model.Meta.table_name)["TimeToLiveDescription"]
        if status.get("TimeToLiveStatus") in ("DISABLED", None):
            ddb.update_time_to_live(TableName=model.Meta.table_name,
                                    TimeToLiveSpecification={"AttributeName": attr, "Enabled": True})
    ses = _client("ses")
    sender = get_settings().mail_from
    if sender not in ses.list_identities().get("Identities", []):
        ses.verify_email_identity(EmailAddress=sender)
