"""The one declaration of resources renders into CloudFormation with what each resource needs."""

from __future__ import annotations

from infrastructure.template import render


def test_every_table_is_on_demand_encrypted_and_keyed() -> None:
    resources = render()["Resources"]
    tables = {r["Properties"]["TableName"]: r["Properties"] for r in resources.values()
              if r["Type"] == "AWS::DynamoDB::Table"}
    assert set(tables) == {f"eurzad-test-{k}" for k in ("tenants", "catalogue", "audit", "metering", "idempotency",
                                                        "drafts", "attachments", "submissions", "submission-claims",
                                                        "cases", "case-lookups", "audit-chain", "payment-orders",
                                                        "letters", "deliveries", "cost-settings",
                                                        "cost-budgets", "appointments", "registers")}
    for props in tables.values():
        assert props["BillingMode"] == "PAY_PER_REQUEST" and props["SSESpecification"] == {"SSEEnabled": True}
    assert tables["eurzad-test-catalogue"]["KeySchema"] == [
        {"AttributeName": "service_id", "KeyType": "HASH"}, {"AttributeName": "version", "KeyType": "RANGE"}]
    assert tables["eurzad-test-idempotency"]["TimeToLiveSpecification"] == {"AttributeName": "expiration",
                                                                            "Enabled": True}
    assert tables["eurzad-test-audit"]["StreamSpecification"] == {"StreamViewType": "NEW_IMAGE"}
    assert "GlobalSecondaryIndexes" not in tables["eurzad-test-metering"]  # one write per invocation, not two


def test_every_queue_has_a_dead_letter_queue() -> None:
    resources = render()["Resources"]
    queues = [r["Properties"] for r in resources.values() if r["Type"] == "AWS::SQS::Queue"]
    main = [q for q in queues if not q["QueueName"].endswith("-dlq")]
    assert main
    for q in main:
        dlq_id = q["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0]
        assert resources[dlq_id]["Properties"]["QueueName"] == q["QueueName"] + "-dlq"
        assert q["RedrivePolicy"]["maxReceiveCount"] >= 2


def test_buckets_are_versioned_private_and_kms_encrypted() -> None:
    resources = render()["Resources"]
    buckets = [r["Properties"] for r in resources.values() if r["Type"] == "AWS::S3::Bucket"]
    assert buckets
    for b in buckets:
        rule = b["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"]
        assert rule["SSEAlgorithm"] == "aws:kms" and rule["KMSMasterKeyID"] == {"Fn::GetAtt": ["DataKey", "Arn"]}
        assert all(b["PublicAccessBlockConfiguration"].values())
    by_name = {b["BucketName"]: b for b in buckets}
    # What the office holds (documents, receipts) keeps every version; the upload quarantine expires instead.
    assert by_name["eurzad-test-documents"]["VersioningConfiguration"] == {"Status": "Enabled"}
    uploads = by_name["eurzad-test-uploads"]
    assert "VersioningConfiguration" not in uploads
    assert {(r["Prefix"], r["ExpirationInDays"]) for r in uploads["LifecycleConfiguration"]["Rules"]} == {
        ("quarantine/", 1), ("released/", 7), ("scans/", 1)}


def test_new_uploads_in_quarantine_are_queued_for_the_check_and_only_that_bucket_may_send() -> None:
    resources = render()["Resources"]
    config = resources["UploadsBucket"]["Properties"]["NotificationConfiguration"]["QueueConfigurations"]
    assert config == [{"Event": "s3:ObjectCreated:*", "Queue": {"Fn::GetAtt": ["AttachmentUploadsQueue", "Arn"]},
                       "Filter": {"S3Key": {"Rules": [{"Name": "prefix", "Value": "quarantine/"}]}}}]
    policy = resources["AttachmentUploadsQueuePolicy"]["Properties"]["PolicyDocument"]["Statement"][0]
    assert policy["Principal"] == {"Service": "s3.amazonaws.com"} and policy["Action"] == "sqs:SendMessage"
    assert policy["Condition"]["ArnLike"] == {"aws:SourceArn": "arn:aws:s3:::eurzad-test-uploads"}
    assert "AttachmentUploadsQueuePolicy" in resources["UploadsBucket"]["DependsOn"]


def test_the_functions_may_reach_every_declared_resource_of_their_prefix_and_nothing_wider() -> None:
    import json

    from infrastructure.template import function_policy

    resources = render()["Resources"]
    policy = json.dumps(function_policy())
    names = [r["Properties"].get("TableName") or r["Properties"].get("QueueName") or r["Properties"].get("BucketName")
             for r in resources.values()
             if r["Type"] in ("AWS::DynamoDB::Table", "AWS::SQS::Queue", "AWS::S3::Bucket")]

    assert names and all(f"{n}" in policy for n in names)
    assert "secret:eurzad-test/office-seal-*" in policy
    assert "secret:eurzad-test/payments/*" in policy  # the JSTs' gateway keys, and no other secret
    statements = function_policy()["PolicyDocument"]["Statement"]
    assert all(s["Resource"] != "*" and "*" not in s["Action"] for s in statements)
    assert not any(a.endswith(":*") for s in statements for a in s["Action"])


def test_api_gateway_answers_in_the_error_shape_too() -> None:
    # The emulator honours MISSING_AUTHENTICATION_TOKEN (tests/e2e/test_edge_errors.py); the others it cannot
    # provoke (timeouts, throttling, too large requests) are checked here as rendered.
    import json

    from infrastructure.template import gateway_responses

    rendered = {r["Properties"]["ResponseType"]: r["Properties"] for r in gateway_responses("RestAPI").values()}
    assert {"DEFAULT_4XX", "DEFAULT_5XX", "MISSING_AUTHENTICATION_TOKEN", "UNSUPPORTED_MEDIA_TYPE",
            "INTEGRATION_TIMEOUT", "REQUEST_TOO_LARGE", "THROTTLED"} <= set(rendered)
    expected = {"MISSING_AUTHENTICATION_TOKEN": ("404", "not_found"), "UNSUPPORTED_MEDIA_TYPE": ("415",
                "unsupported_media_type"), "INTEGRATION_TIMEOUT": ("504", "timeout"),
                "REQUEST_TOO_LARGE": ("413", "body_too_large")}
    for response_type, props in rendered.items():
        body = json.loads(props["ResponseTemplates"]["application/json"])
        assert set(body["error"]) == {"code", "message", "details"} and body["error"]["details"] == []
        assert props["RestApiId"] == {"Ref": "RestAPI"}
        if response_type in expected:
            assert (props["StatusCode"], body["error"]["code"]) == expected[response_type]
    assert "StatusCode" not in rendered["DEFAULT_4XX"]  # keeps whatever 4xx the gateway chose


def test_the_deployed_api_gets_its_gateway_responses_and_binary_types_with_its_deployment() -> None:
    from infrastructure.deploy import edge_of_api

    final = {"Resources": {
        "RestAPI": {"Type": "AWS::ApiGateway::RestApi", "Properties": {
            "Body": {"x-amazon-apigateway-binary-media-types": ["application/xml", "text/xml"]}}},
        "RestAPIDeploymentabc": {"Type": "AWS::ApiGateway::Deployment",
                                 "Properties": {"RestApiId": {"Ref": "RestAPI"}}},
    }}
    edge_of_api(final)
    resources = final["Resources"]
    assert resources["RestAPI"]["Properties"]["BinaryMediaTypes"] == ["application/xml", "text/xml"]
    responses = {k for k, r in resources.items() if r["Type"] == "AWS::ApiGateway::GatewayResponse"}
    assert responses and set(resources["RestAPIDeploymentabc"]["DependsOn"]) == responses


def test_only_the_api_function_may_read_the_aws_bill() -> None:
    from infrastructure.template import give_the_api_its_role

    shared = {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {}, "Policies": [
        {"PolicyName": "DefaultRolePolicy", "PolicyDocument": {"Statement": []}}]}}
    default_arn = {"Fn::GetAtt": ["DefaultRole", "Arn"]}
    resources = {"DefaultRole": shared,
                 "APIHandler": {"Type": "AWS::Serverless::Function", "Properties": {"Role": default_arn}},
                 "Registrations": {"Type": "AWS::Serverless::Function", "Properties": {"Role": default_arn}}}
    give_the_api_its_role(resources)

    def actions(role: str) -> set[str]:
        return {a for p in resources[role]["Properties"]["Policies"]
                for s in p["PolicyDocument"]["Statement"] for a in s["Action"]}

    assert resources["APIHandler"]["Properties"]["Role"] == {"Fn::GetAtt": ["APIHandlerRole", "Arn"]}
    assert resources["Registrations"]["Properties"]["Role"] == default_arn
    assert actions("APIHandlerRole") == {"ce:GetCostAndUsage"}
    assert "ce:GetCostAndUsage" not in actions("DefaultRole")
