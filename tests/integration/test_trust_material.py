"""Where the trust store and the seal live, read back through the emulator's S3, SSM and Secrets Manager."""

from __future__ import annotations

from pathlib import Path

import pytest

from chalicelib.integrations import trust_material
from chalicelib.resources import bucket_name
from chalicelib.signatures import pki


@pytest.fixture(scope="module")
def demo() -> pki.DemoPki:
    return pki.generate_demo()


@pytest.mark.parametrize("where", ["s3", "ssm", "file"])
def test_a_trust_bundle_written_is_read_back_byte_for_byte(platform: None, demo: pki.DemoPki, where: str,
                                                           tmp_path: Path) -> None:
    uri = {"s3": f"s3://{bucket_name('trust')}/tests/roots.pem", "ssm": "ssm:/eurzad-test/trust/roots",
           "file": str(tmp_path / "roots.pem")}[where]
    bundle = demo.trust_bundle() + demo.intermediate.cert_pem()

    trust_material.write_trust_bundle(uri, bundle)

    assert trust_material.read_trust_bundle(uri) == bundle


def test_the_seal_secret_is_created_then_replaced(platform: None, demo: pki.DemoPki) -> None:
    secret = "eurzad-test/tests/seal"
    other = pki.generate_demo()

    trust_material.write_seal(secret, demo.seal.key_pem(), demo.seal_chain())
    first = trust_material.read_seal(secret)
    trust_material.write_seal(secret, other.seal.key_pem(), other.seal_chain())

    assert first == (demo.seal.key_pem(), demo.seal_chain())
    assert trust_material.read_seal(secret) == (other.seal.key_pem(), other.seal_chain())
