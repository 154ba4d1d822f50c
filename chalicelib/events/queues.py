"""The queue each topic travels on, by the topic's name.

Light on purpose: a worker is registered at `import app` by naming its topic, and must not load the message's
pydantic model for it (that happens with the first message). The topics take their queue from here.
"""

from __future__ import annotations

QUEUES: dict[str, str] = {
    "TenantEvent": "tenant-events",  # a JST's configuration changed: notify its contact
    "RegistrationMessage": "registrations",  # a submission accepted: register it as a case
    "UploadNotice": "attachment-uploads",  # S3: a file landed in the upload quarantine
    "ForwardedCase": "case-forwards",  # a case forwarded to another JST (art. 65 KPA): register it there
    "DeliverySend": "delivery-sends",  # an issued letter to hand to the e-Delivery box
    "PaymentRequested": "payment-requests",  # a case registered with a fee: open its payment order
    "PaymentSettled": "payment-settlements",  # a case's fee paid (verified), expired or refunded: the case moves
    "AppointmentNotice": "appointment-notices",  # a visit booked, moved or cancelled: e-mail the resident (.ics)
}
