"""`upp check`: whether a UPP bears the office's valid seal and certifies exactly the given document."""

from __future__ import annotations

from pathlib import Path


def upp_check(receipt_path: Path, document_path: Path) -> int:
    """Does this UPP bear the office's valid seal, and does it certify exactly this document? Exit 0 if so."""
    import hashlib

    from chalicelib.documents import upp
    from chalicelib.documents.epuap import DocumentError
    from chalicelib.modules.signatures import logic as service

    outcome = service.verify(receipt_path.read_bytes(), "strict")
    if isinstance(outcome, service.Unreadable):
        print(f"{receipt_path}: nieczytelne [{outcome.code}] {outcome.message}")
        return 1
    if outcome.verdict.value != "valid":
        reasons = ", ".join(r.code for s in outcome.signatures for r in s.reasons)
        print(f"{receipt_path}: pieczęć UPP nieprawidłowa ({outcome.verdict.value}: {reasons})")
        return 1
    # The receipt is read from what the seal covers, never from the raw file (signature wrapping).
    covered = next(c.xml for c in outcome.signature.signed_content if c.xml)
    try:
        receipt = upp.read(covered.encode())
    except DocumentError as exc:
        print(f"{receipt_path}: {exc.message} [{exc.code}]")
        return 1
    digest = hashlib.sha256(document_path.read_bytes()).digest()
    sealed_by = outcome.signature.signer.name if outcome.signature.signer else "?"
    print(f"UPP {receipt.receipt_id}: pieczęć prawidłowa ({sealed_by})")
    print(f"  adresat: {receipt.office_name} ({receipt.office_id_type} {receipt.office_id})")
    print(f"  nadawca: {receipt.sender_name} ({receipt.sender_id_type} {receipt.sender_id})")
    print(f"  data doręczenia: {receipt.delivered_at.isoformat()}, dokument {receipt.document_id}")
    if digest != receipt.document_sha256:
        print(f"{document_path}: NIE jest dokumentem poświadczonym tym UPP (inny skrót SHA-256)")
        return 1
    print(f"{document_path}: zgodny z UPP (SHA-256 {digest.hex()})")
    return 0
