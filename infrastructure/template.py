"""Renders the declared resources (modules' resources.py, chalicelib.db.tables, chalicelib.resources) as CloudFormation.

The same template creates the resources in the local emulator (tests, `make run`) and in the cloud; the
cloud deployment merges it into the app's SAM template (`chalice package --merge-template`).
"""

from __future__ import annotations

import copy
import json
import re
import sys
from typing import Any

from pynamodb.attributes import TTLAttribute
from pynamodb.models import Model

from chalicelib import resources
from chalicelib.core.settings import get_settings
from chalicelib.integrations import payment_gateways
from chalicelib.modules import queues, tables


def logical_id(*parts: str) -> str:
    return "".join(p[0].upper() + p[1:] for part in parts for p in re.split(r"[^A-Za-z0-9]", part) if p)


def ttl_attribute(model: type[Model]) -> str | None:
    for attr in model.get_attributes().values():
        if isinstance(attr, TTLAttribute):
            return attr.attr_name
    return None


def table_resource(model: type[Model]) -> dict[str, Any]:
    schema = model._get_schema()
    props: dict[str, Any] = {
        "TableName": model.Meta.table_name,
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": schema["attribute_definitions"],
        "KeySchema": schema["key_schema"],
        "SSESpecification": {"SSEEnabled": True},
        "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
    }
    if schema["global_secondary_indexes"]:
        props["GlobalSecondaryIndexes"] = [
            {"IndexName": gsi["index_name"], "KeySchema": gsi["key_schema"], "Projection": gsi["projection"]}
            for gsi in schema["global_secondary_indexes"]
        ]
    ttl = ttl_attribute(model)
    if ttl:
        props["TimeToLiveSpecification"] = {"AttributeName": ttl, "Enabled": True}
    stream = getattr(model.Meta, "stream_view_type", None)
    if stream:
        props["StreamSpecification"] = {"StreamViewType": stream}
    return {"Type": "AWS::DynamoDB::Table", "DeletionPolicy": "Retain", "Properties": props}


def render() -> dict[str, Any]:
    out: dict[str, Any] = {}
    key_id = _data_key(out)
    for model in tables():
        out[logical_id(model.__name__)] = table_resource(model)
    for queue in queues():
        _queue(out, queue)
    for bucket in resources.BUCKETS:
        bucket_id = logical_id(bucket.key, "bucket")
        out[bucket_id] = {"Type": "AWS::S3::Bucket", "DeletionPolicy": "Retain",
                          "Properties": _bucket_properties(bucket, key_id)}
        if bucket.notify:
            _notifications(out, bucket_id, resources.bucket_name(bucket.key), bucket.notify)
    out[logical_id("mail", "identity")] = {
        "Type": "AWS::SES::EmailIdentity",
        "Properties": {"EmailIdentity": get_settings().mail_from},
    }
    return {"AWSTemplateFormatVersion": "2010-09-09", "Description": "e-Urząd platform resources",
            "Resources": out}


def _data_key(out: dict[str, Any]) -> str:
    """The KMS key (and its alias) that encrypts documents and data at rest; its logical id."""
    key_id = logical_id("data", "key")
    out[key_id] = {
        "Type": "AWS::KMS::Key",
        "DeletionPolicy": "Retain",
        "Properties": {
            "Description": f"{get_settings().resource_prefix}: documents and data at rest",
            "EnableKeyRotation": True,
            "KeyPolicy": {
                "Version": "2012-10-17",
                "Statement": [{
                    "Sid": "AccountAdministers",
                    "Effect": "Allow",
                    "Principal": {"AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}},
                    "Action": "kms:*",
                    "Resource": "*",
                }],
            },
        },
    }
    out[logical_id("data", "key", "alias")] = {
        "Type": "AWS::KMS::Alias",
        "Properties": {"AliasName": resources.kms_alias(), "TargetKeyId": {"Ref": key_id}},
    }
    return key_id


def _queue(out: dict[str, Any], queue: resources.QueueSpec) -> None:
    """A queue and its dead-letter queue."""
    dlq = logical_id(queue.key, "dlq")
    out[dlq] = {
        "Type": "AWS::SQS::Queue",
        "Properties": {"QueueName": resources.dlq_name(queue.key),
                       "MessageRetentionPeriod": queue.dlq_retention_seconds, "SqsManagedSseEnabled": True},
    }
    out[logical_id(queue.key, "queue")] = {
        "Type": "AWS::SQS::Queue",
        "Properties": {
            "QueueName": resources.queue_name(queue.key),
            "VisibilityTimeout": queue.visibility_timeout,
            "MessageRetentionPeriod": queue.retention_seconds,
            "SqsManagedSseEnabled": True,
            "RedrivePolicy": {"deadLetterTargetArn": {"Fn::GetAtt": [dlq, "Arn"]},
                              "maxReceiveCount": queue.max_receive_count},
        },
    }


def _bucket_properties(bucket: resources.BucketSpec, key_id: str) -> dict[str, Any]:
    props: dict[str, Any] = {
        "BucketName": resources.bucket_name(bucket.key),
        "BucketEncryption": {"ServerSideEncryptionConfiguration": [{
            "ServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms",
                                              "KMSMasterKeyID": {"Fn::GetAtt": [key_id, "Arn"]}},
            "BucketKeyEnabled": True,
        }]},
        "PublicAccessBlockConfiguration": {"BlockPublicAcls": True, "BlockPublicPolicy": True,
                                           "IgnorePublicAcls": True, "RestrictPublicBuckets": True},
        "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
    }
    if bucket.versioned:
        props["VersioningConfiguration"] = {"Status": "Enabled"}
    rules: list[dict[str, Any]] = []
    if bucket.noncurrent_days:
        rules.append({"Id": "expire-old-versions", "Status": "Enabled",
                      "NoncurrentVersionExpiration": {"NoncurrentDays": bucket.noncurrent_days}})
    rules += [{"Id": f"expire-{logical_id(prefix)}", "Status": "Enabled", "Prefix": prefix,
               "ExpirationInDays": days} for prefix, days in bucket.expire]
    if rules:
        props["LifecycleConfiguration"] = {"Rules": rules}
    if bucket.browser:  # the portal uploads and downloads straight from the browser, on its own origin
        props["CorsConfiguration"] = {"CorsRules": [{
            "AllowedOrigins": [get_settings().web_origin], "AllowedMethods": list(bucket.browser),
            "AllowedHeaders": ["*"], "MaxAge": 600}]}
    return props


def _notifications(out: dict[str, Any], bucket_id: str, bucket: str, notify: tuple[tuple[str, str], ...]) -> None:
    """New objects under a prefix go to a queue; the queue lets this bucket (and only it) send to it."""
    configs = []
    for prefix, queue_key in notify:
        queue_id = logical_id(queue_key, "queue")
        policy_id = logical_id(queue_key, "queue", "policy")
        out[policy_id] = {"Type": "AWS::SQS::QueuePolicy", "Properties": {
            "Queues": [{"Ref": queue_id}],
            "PolicyDocument": {"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "sqs:SendMessage",
                "Resource": {"Fn::GetAtt": [queue_id, "Arn"]},
                "Condition": {"ArnLike": {"aws:SourceArn": f"arn:aws:s3:::{bucket}"},
                              "StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}},
            }]},
        }}
        out[bucket_id].setdefault("DependsOn", []).append(policy_id)
        configs.append({"Event": "s3:ObjectCreated:*", "Queue": {"Fn::GetAtt": [queue_id, "Arn"]},
                        "Filter": {"S3Key": {"Rules": [{"Name": "prefix", "Value": prefix}]}}})
    out[bucket_id]["Properties"]["NotificationConfiguration"] = {"QueueConfigurations": configs}


# API Gateway's own answers, in the API's error shape and in Polish: (status, code, message) per response type.
# An unknown path or method mostly reaches the app's fallback route; MISSING_AUTHENTICATION_TOKEN is what is left.
GATEWAY_RESPONSES: dict[str, tuple[str, str, str]] = {
    "MISSING_AUTHENTICATION_TOKEN": ("404", "not_found", "Nie ma takiego adresu w API."),
    "RESOURCE_NOT_FOUND": ("404", "not_found", "Nie ma takiego adresu w API."),
    "UNSUPPORTED_MEDIA_TYPE": ("415", "unsupported_media_type", "Nieobsługiwany typ treści żądania (Content-Type)."),
    "REQUEST_TOO_LARGE": ("413", "body_too_large", "Treść żądania jest za duża."),
    "THROTTLED": ("429", "too_many_requests", "Zbyt wiele żądań. Spróbuj ponownie za chwilę."),
    "QUOTA_EXCEEDED": ("429", "too_many_requests", "Zbyt wiele żądań. Spróbuj ponownie za chwilę."),
    "ACCESS_DENIED": ("403", "forbidden", "Brak uprawnień do tego zasobu."),
    "UNAUTHORIZED": ("401", "unauthorized", "Wymagane uwierzytelnienie."),
    "BAD_REQUEST_BODY": ("400", "bad_request", "Nieprawidłowa treść żądania."),
    "BAD_REQUEST_PARAMETERS": ("400", "bad_request", "Nieprawidłowe parametry żądania."),
    "INTEGRATION_TIMEOUT": ("504", "timeout", "Przekroczono czas odpowiedzi. Spróbuj ponownie później."),
    "INTEGRATION_FAILURE": ("504", "internal_error", "Wewnętrzny błąd systemu. Spróbuj ponownie później."),
    "DEFAULT_4XX": ("", "bad_request", "Nieprawidłowe żądanie."),
    "DEFAULT_5XX": ("", "internal_error", "Wewnętrzny błąd systemu. Spróbuj ponownie później."),
}


def gateway_responses(rest_api_id: str) -> dict[str, Any]:
    """The gateway responses of the REST API `rest_api_id` (a logical id), as CloudFormation resources."""
    out: dict[str, Any] = {}
    for response_type, (status, code, message) in GATEWAY_RESPONSES.items():
        body = {"error": {"code": code, "message": message, "details": []}}
        props: dict[str, Any] = {
            "RestApiId": {"Ref": rest_api_id},
            "ResponseType": response_type,
            # ASCII escapes: the template is sent as is, whatever the client accepts.
            "ResponseTemplates": {"application/json": json.dumps(body, ensure_ascii=True)},
            "ResponseParameters": {"gatewayresponse.header.Content-Type": "'application/json; charset=utf-8'"},
        }
        if status:
            props["StatusCode"] = status
        out[logical_id(rest_api_id, "gateway", response_type.lower())] = {
            "Type": "AWS::ApiGateway::GatewayResponse", "Properties": props}
    return out


def function_policy() -> dict[str, Any]:
    """What the app's functions may do: the declared tables, queues, buckets, key, mail identity and the
    office seal secret and the JSTs' payment keys of this prefix, and nothing else (chalice's generated policy
    sees only app.py)."""
    prefix = get_settings().resource_prefix

    def sub(service: str, resource: str) -> dict[str, str]:
        return {"Fn::Sub": f"arn:${{AWS::Partition}}:{service}:${{AWS::Region}}:${{AWS::AccountId}}:{resource}"}

    table_names = [model.Meta.table_name for model in tables()]
    buckets = [resources.bucket_name(b.key) for b in resources.BUCKETS]
    queue_names = [n for q in queues() for n in (resources.queue_name(q.key), resources.dlq_name(q.key))]
    statements = [
        {"Effect": "Allow",
         "Action": ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
                    "dynamodb:Query", "dynamodb:Scan", "dynamodb:BatchGetItem", "dynamodb:BatchWriteItem",
                    "dynamodb:TransactWriteItems", "dynamodb:TransactGetItems", "dynamodb:ConditionCheckItem",
                    "dynamodb:DescribeTable"],
         "Resource": [sub("dynamodb", f"table/{t}{suffix}") for t in table_names for suffix in ("", "/index/*")]},
        {"Effect": "Allow", "Action": ["sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage",
                                       "sqs:GetQueueAttributes", "sqs:GetQueueUrl"],
         "Resource": [sub("sqs", q) for q in queue_names]},
        # DeleteObjectVersion / ListBucketVersions: the sweeper removes a failed attempt's files, every version.
        {"Effect": "Allow", "Action": ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject", "s3:DeleteObject",
                                       "s3:DeleteObjectVersion"],
         "Resource": [{"Fn::Sub": f"arn:${{AWS::Partition}}:s3:::{b}/*"} for b in buckets]},
        # Without ListBucket, S3 answers a missing key with 403 instead of 404 (the upload check relies on 404).
        {"Effect": "Allow", "Action": ["s3:ListBucket", "s3:ListBucketVersions"],
         "Resource": [{"Fn::Sub": f"arn:${{AWS::Partition}}:s3:::{b}"} for b in buckets]},
        {"Effect": "Allow", "Action": ["kms:Decrypt", "kms:GenerateDataKey", "kms:Encrypt"],
         "Resource": sub("kms", "key/*"),
         "Condition": {"ForAnyValue:StringEquals": {"kms:ResourceAliases": resources.kms_alias()}}},
        {"Effect": "Allow", "Action": ["ses:SendEmail", "ses:SendRawEmail"],
         "Resource": sub("ses", f"identity/{get_settings().mail_from}")},
        {"Effect": "Allow", "Action": ["secretsmanager:GetSecretValue"],
         "Resource": sub("secretsmanager", f"secret:{resources.seal_secret_id()}-*")},
        # The JSTs' payment gateway keys: `<prefix>/payments/<name>` (chalicelib.integrations.payment_gateways).
        {"Effect": "Allow", "Action": ["secretsmanager:GetSecretValue"],
         "Resource": sub("secretsmanager", f"secret:{payment_gateways.secrets_prefix(prefix)}*")},
        {"Effect": "Allow", "Action": ["ssm:GetParameter"], "Resource": sub("ssm", f"parameter/{prefix}/*")},
    ]
    return {"PolicyName": "EUrzadResources", "PolicyDocument": {"Version": "2012-10-17", "Statement": statements}}


# Reading the AWS bill (GET /v1/finance/costs/actual). Cost Explorer has no resource-level permissions, hence "*";
# only the API function's own role gets it (`give_the_api_its_role`), never the workers'.
COST_EXPLORER_POLICY = {"PolicyName": "EUrzadCostExplorer", "PolicyDocument": {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": ["ce:GetCostAndUsage"], "Resource": "*"}]}}
API_FUNCTION, DEFAULT_ROLE = "APIHandler", "DefaultRole"


def give_the_api_its_role(template_resources: dict[str, Any]) -> None:
    """The API function gets a copy of chalice's shared role plus COST_EXPLORER_POLICY (in place)."""
    default, api = template_resources.get(DEFAULT_ROLE), template_resources.get(API_FUNCTION)
    if default is None or api is None:
        return
    role = copy.deepcopy(default)
    role["Properties"].setdefault("Policies", []).append(COST_EXPLORER_POLICY)
    template_resources[f"{API_FUNCTION}Role"] = role
    api["Properties"]["Role"] = {"Fn::GetAtt": [f"{API_FUNCTION}Role", "Arn"]}


# Concurrency of the packaged functions (in AWS; the emulator ignores it, see local_proxy for the local bound).
# The API is capped so that a flood of requests cannot take the account's whole Lambda pool nor DynamoDB's
# burst capacity from the workers; each sweeper runs one at a time.
RESERVED_CONCURRENCY = {"APIHandler": 100, "RegistrationSweeper": 1, "TenantEventsSweeper": 1,
                        "CaseNoticesSweeper": 1, "OverdueSweeper": 1, "CaseForwardsSweeper": 1}
# SQS-triggered workers are paced by their event source instead: reserved concurrency would throttle
# batches, and a throttled message counts a receive towards the DLQ.
SQS_MAX_CONCURRENCY = 5


def function_settings(name: str, props: dict[str, Any]) -> None:
    """Apply the declared concurrency to one packaged function's SAM properties (in place)."""
    if name in RESERVED_CONCURRENCY:
        props["ReservedConcurrentExecutions"] = RESERVED_CONCURRENCY[name]
    for event in props.get("Events", {}).values():
        if event.get("Type") == "SQS":
            event["Properties"]["ScalingConfig"] = {"MaximumConcurrency": SQS_MAX_CONCURRENCY}

if __name__ == "__main__":
    json.dump(render(), sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
