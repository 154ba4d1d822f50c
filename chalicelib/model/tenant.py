"""A JST's configuration: identity, departments, account, e-delivery address and enabled services.

Shared model: every layer that needs a JST's settings reads this; it imports only core, the service and the fee models.
"""

from __future__ import annotations

from decimal import Decimal
from enum import Enum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, model_validator

from chalicelib.core.identifiers import ADE_RE, EMAIL_RE, POSTAL_CODE_RE, check_terc, normalize_nrb
from chalicelib.model.appointments import AppointmentsSetting
from chalicelib.model.fees import FeeRule
from chalicelib.model.registers import RegistersSetting
from chalicelib.model.service import DeadlineKind, DeptSymbol, Jrwa, Money, ServiceId


def _match(pattern: object, message: str) -> AfterValidator:
    def check(value: str) -> str:
        if not pattern.fullmatch(value):  # type: ignore[attr-defined]
            raise ValueError(message)
        return value

    return AfterValidator(check)


Terc = Annotated[str, AfterValidator(check_terc)]
Nrb = Annotated[str, AfterValidator(normalize_nrb)]
Ade = Annotated[str, _match(ADE_RE, "Adres do doręczeń elektronicznych ma format AE:PL-00000-00000-AAAAA-00.")]
PostalCode = Annotated[str, _match(POSTAL_CODE_RE, "Kod pocztowy ma format 00-000.")]
Email = Annotated[str, _match(EMAIL_RE, "Nieprawidłowy adres e-mail.")]
Phone = Annotated[str, StringConstraints(pattern=r"^\+?[0-9 ()-]{9,20}$")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TenantKind(str, Enum):
    GMINA_MIEJSKA = "gmina-miejska"
    GMINA_WIEJSKA = "gmina-wiejska"
    GMINA_MIEJSKO_WIEJSKA = "gmina-miejsko-wiejska"
    MIASTO_NA_PRAWACH_POWIATU = "miasto-na-prawach-powiatu"
    POWIAT = "powiat"
    WOJEWODZTWO = "wojewodztwo"


# The last TERC digit of a gmina tells its kind (TERYT).
_KIND_DIGIT = {
    TenantKind.GMINA_MIEJSKA: "1",
    TenantKind.GMINA_WIEJSKA: "2",
    TenantKind.GMINA_MIEJSKO_WIEJSKA: "3",
    TenantKind.MIASTO_NA_PRAWACH_POWIATU: "1",
}


class Address(Strict):
    street: str = Field(min_length=2)
    building: str = Field(min_length=1, max_length=10)
    postal_code: PostalCode
    city: str = Field(min_length=2)


class Contact(Strict):
    email: Email
    phone: Phone
    epuap_box: str | None = Field(default=None, pattern=r"^/[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")
    website: str | None = None


class Department(Strict):
    symbol: DeptSymbol
    name: str = Field(min_length=3)


class UnknownDepartment(ValueError):
    """A rule names a department the JST does not have."""

    def __init__(self, symbol: str) -> None:
        self.symbol = symbol
        super().__init__(f"Jednostka nie ma komórki „{symbol}”.")


class ServiceSetting(Strict):
    """A catalogue service as this JST offers it; None means: as the catalogue says."""

    id: ServiceId
    enabled: bool = True
    fee: Money | None = None  # a fixed amount in place of the catalogue's
    fee_rule: FeeRule | None = None  # the JST's own rule (checked against the service's form when set)
    deadline_kind: DeadlineKind | None = None
    department: DeptSymbol | None = None
    jrwa: Jrwa | None = None


class PaymentProvider(str, Enum):
    PRZELEWY24 = "przelewy24"


class GatewayCommission(Strict):
    """The JST's contract with the payment gateway: its commission on each online payment (the costs' report
    counts it as a running cost of the payment's service)."""

    percent: Decimal = Field(ge=0, le=10, max_digits=6, decimal_places=4,
                             description="Prowizja od kwoty każdej wpłaty, w procentach (np. 1.2).")
    fixed_grosze: int = Field(default=0, ge=0, le=10_000, description="Stała opłata za każdą wpłatę (grosze).")
    contract: str = Field(min_length=3, max_length=200, description="Umowa, z której pochodzi stawka.")


class PaymentsSetting(Strict):
    """The JST's own merchant account at the payment gateway: fees go straight to that JST. The credentials (CRC
    key, API key) live in Secrets Manager under `credentials_secret`, never in the configuration."""

    provider: PaymentProvider = PaymentProvider.PRZELEWY24
    merchant_id: int = Field(gt=0)
    pos_id: int = Field(gt=0)
    credentials_secret: str = Field(pattern=r"^[A-Za-z0-9/_+=.@-]{1,512}$",
                                    description="Nazwa sekretu z kluczem CRC i kluczem API w Secrets Manager, "
                                                "pod prefiksem `<prefiks zasobów>/payments/`.")
    order_expiry_days: int = Field(default=7, ge=1, le=60,
                                   description="Po ilu dniach nieopłacone zlecenie wygasa (urzędnik dostaje sygnał).")
    commission: GatewayCommission | None = None  # None: the report counts no gateway fees for this JST


class TenantConfig(Strict):
    terc: Terc
    name: str = Field(min_length=3, description="Nazwa JST, np. Gmina Piaseczno.")
    office_name: str = Field(min_length=3, description="Pełna nazwa organu/urzędu (na UPP).")
    kind: TenantKind
    parent_terc: Terc | None = None
    address: Address
    contact: Contact
    bank_account: Nrb
    edelivery_address: Ade
    departments: list[Department] = Field(min_length=1)
    services: list[ServiceSetting] = []
    payments: PaymentsSetting | None = None  # None: the JST takes no fees online
    # Residents (GUS): the shared costs of the region may be split by it (costs module).
    population: int | None = Field(default=None, ge=1, le=50_000_000)
    appointments: AppointmentsSetting | None = None  # None: the JST offers no booking (e-wizyta)
    registers: RegistersSetting | None = None  # None: the JST keeps no public register on the platform

    @model_validator(mode="after")
    def _consistent(self) -> TenantConfig:
        expected_len = {TenantKind.POWIAT: 4, TenantKind.WOJEWODZTWO: 2}.get(self.kind, 7)
        if len(self.terc) != expected_len:
            raise ValueError(f"Kod TERC dla rodzaju „{self.kind.value}” ma {expected_len} cyfr.")
        digit = _KIND_DIGIT.get(self.kind)
        if digit and self.terc[6] != digit:
            raise ValueError(f"Kod TERC {self.terc} nie oznacza jednostki rodzaju „{self.kind.value}”.")
        if self.kind is TenantKind.MIASTO_NA_PRAWACH_POWIATU and int(self.terc[2:4]) < 61:
            raise ValueError("Miasto na prawach powiatu ma kod powiatu 61 lub większy.")
        symbols = [d.symbol for d in self.departments]
        if len(symbols) != len(set(symbols)):
            raise ValueError("Symbole komórek organizacyjnych muszą być unikalne.")
        ids = [s.id for s in self.services]
        if len(ids) != len(set(ids)):
            raise ValueError("Każda usługa może wystąpić w konfiguracji tylko raz.")
        for i, s in enumerate(self.services):
            if s.department:
                try:
                    self.department(s.department)
                except UnknownDepartment:
                    raise ValueError(f"services[{i}].department: nieznana komórka „{s.department}”.") from None
        for i, c in enumerate(self.appointments.counters if self.appointments else []):
            if c.department not in symbols:
                raise ValueError(f"appointments.counters[{i}].department: nieznana komórka „{c.department}”.")
        for i, r in enumerate(self.registers.kept if self.registers else []):
            if r.department not in symbols:
                raise ValueError(f"registers.kept[{i}].department: nieznana komórka „{r.department}”.")
        return self

    def department(self, symbol: str) -> Department:
        """The department `symbol`, or UnknownDepartment. The one place that says a department must exist: the
        configuration's check, an administrator's change, the registration of a case and a clerk's inbox ask here."""
        found = next((d for d in self.departments if d.symbol == symbol), None)
        if found is None:
            raise UnknownDepartment(symbol)
        return found

    def setting(self, service_id: str) -> ServiceSetting | None:
        return next((s for s in self.services if s.id == service_id), None)
