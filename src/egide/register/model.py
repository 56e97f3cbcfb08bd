"""The register of processing activities (GDPR art. 30) as a validated value object.

These Pydantic models are the file format: the JSON Schema that ``egide register schema``
prints and ``docs/register.md`` documents is generated from them. Cross-field rules that
need the whole register (taxonomy keys, references between sections, duplicate keys) live in
:mod:`egide.register.validation`; compliance findings live in :mod:`egide.register.lint`.

Every item that comes from a policy text may carry ``source_quote``: the sentence it comes
from, so a DPO can check each rule against the text it enforces.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    model_validator,
)

from egide.domain.durations import Duration, DurationFormatError

FORMAT_VERSION = 1


def _check_duration(text: str) -> str:
    try:
        return Duration.parse(text).iso() if text.upper() != "P0D" else "P0D"
    except DurationFormatError as exc:
        raise ValueError(str(exc)) from None


def _to_text(value: Any) -> Any:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value


IsoDuration = Annotated[
    str,
    AfterValidator(_check_duration),
    Field(
        description="An ISO 8601 duration of years, months, weeks and days: P14D, P13M, P3Y, P1Y6M.",
        json_schema_extra={"pattern": r"^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?$"},
    ),
]
Text = Annotated[str, BeforeValidator(_to_text)]
Key = Annotated[
    str,
    Field(pattern=r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$", description="A lower-case key: letters, digits, _ and ."),
]
Slug = Annotated[
    str,
    Field(pattern=r"^[a-z][a-z0-9_-]*$", description="A short identifier: lower case, digits, _ and -."),
]
CountryCode = Annotated[
    str,
    Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2 country code, e.g. FR, US, IE."),
]
SourceQuote = Annotated[
    str | None,
    Field(description="The sentence of the policy text this item comes from, quoted verbatim."),
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=False)


class LegalBasis(str, Enum):
    """GDPR art. 6(1)."""

    consent = "consent"  # (a)
    contract = "contract"  # (b)
    legal_obligation = "legal_obligation"  # (c)
    vital_interests = "vital_interests"  # (d)
    public_task = "public_task"  # (e)
    legitimate_interests = "legitimate_interests"  # (f)


ARTICLE_6 = {
    LegalBasis.consent: "art. 6(1)(a)",
    LegalBasis.contract: "art. 6(1)(b)",
    LegalBasis.legal_obligation: "art. 6(1)(c)",
    LegalBasis.vital_interests: "art. 6(1)(d)",
    LegalBasis.public_task: "art. 6(1)(e)",
    LegalBasis.legitimate_interests: "art. 6(1)(f)",
}


class SpecialCategoryBasis(str, Enum):
    """GDPR art. 9(2) exceptions for special categories of data."""

    explicit_consent = "explicit_consent"  # (a)
    employment_social_security = "employment_social_security"  # (b)
    vital_interests = "vital_interests"  # (c)
    not_for_profit_body = "not_for_profit_body"  # (d)
    made_public_by_subject = "made_public_by_subject"  # (e)
    legal_claims = "legal_claims"  # (f)
    substantial_public_interest = "substantial_public_interest"  # (g)
    health_or_social_care = "health_or_social_care"  # (h)
    public_health = "public_health"  # (i)
    archiving_research_statistics = "archiving_research_statistics"  # (j)


class DataSource(str, Enum):
    """Where a data category comes from. Portability (art. 20) covers only ``provided`` and
    ``observed`` data; art. 14 information is owed for ``third_party`` data."""

    provided = "provided"
    observed = "observed"
    inferred = "inferred"
    third_party = "third_party"
    public = "public"


class ChannelKind(str, Enum):
    email = "email"
    post = "post"
    form = "form"
    phone = "phone"
    account_settings = "account_settings"
    app_settings = "app_settings"
    unsubscribe_link = "unsubscribe_link"
    cookie_banner = "cookie_banner"
    browser_settings = "browser_settings"
    contact_page = "contact_page"
    in_person = "in_person"


class Channel(_Model):
    """A way to reach the controller: an address, a form, a link in each message."""

    kind: ChannelKind
    address: Text | None = Field(None, description="Email address, postal address, phone number or URL.")
    description: Text | None = None
    source_quote: SourceQuote = None


class Controller(_Model):
    """The controller (art. 4(7)): who decides why and how the data is processed."""

    name: Text = Field(description="Legal name, e.g. 'OKASIO'.")
    legal_form: Text | None = Field(None, description="SAS, SASU, SARL, B.V., ...")
    registration: Text | None = Field(None, description="Registration, e.g. 'RCS Lille 848 477 246'.")
    share_capital: Text | None = None
    address: Text | None = Field(None, description="Registered office, postal form.")
    country: CountryCode | None = None
    website: Text | None = None
    email: Text | None = Field(None, description="Contact email for privacy questions and rights requests.")
    postal_address: Text | None = Field(None, description="Postal address for rights requests, if not the office.")
    phone: Text | None = None
    representative: Text | None = Field(None, description="Art. 27 representative, for a controller outside the EU.")
    source_quote: SourceQuote = None


class DataProtectionOfficer(_Model):
    """Contact of the data protection officer (art. 37-39; art. 13(1)(b))."""

    name: Text | None = None
    email: Text | None = None
    postal_address: Text | None = None
    phone: Text | None = None
    source_quote: SourceQuote = None


class SupervisoryAuthority(_Model):
    """The authority people can complain to (art. 13(2)(d), art. 77)."""

    name: Text
    country: CountryCode | None = None
    url: Text | None = None
    source_quote: SourceQuote = None


class Policy(_Model):
    """The published notice this register describes."""

    version: Text = Field(description="The notice's version label; changes with every edit.")
    effective_date: dt.date | None = Field(
        None, description="The date the notice takes effect (YYYY-MM-DD); absent when the text is undated.")
    language: Annotated[str, Field(pattern=r"^[a-z]{2}$")] = "fr"
    title: Text | None = None
    url: Text | None = None
    source: Text | None = Field(None, description="The text this register was written from.")
    source_quote: SourceQuote = None


class Claim(str, Enum):
    """Sweeping statements a notice makes, checked against the rest of the register."""

    no_transfer_outside_eu = "no_transfer_outside_eu"
    no_sale_of_data = "no_sale_of_data"
    no_automated_decisions = "no_automated_decisions"
    no_special_categories = "no_special_categories"
    no_cvv_storage = "no_cvv_storage"
    data_hosted_in_eu = "data_hosted_in_eu"


class Statement(_Model):
    claim: Claim
    scope: Text | None = Field(None, description="What the statement is limited to, in the notice's words.")
    activities: list[Slug] = Field(default_factory=list, description="Limit the claim to these activities; empty means the whole register.")
    source_quote: SourceQuote = None


class TaxonomyEntry(_Model):
    """A key the register adds to fideslang's taxonomy, under an existing parent."""

    key: Key
    parent: Key
    name: Text | None = None
    description: Text | None = None


class CustomTaxonomy(_Model):
    data_categories: list[TaxonomyEntry] = Field(default_factory=list)
    data_uses: list[TaxonomyEntry] = Field(default_factory=list)
    data_subjects: list[TaxonomyEntry] = Field(default_factory=list)


class RecipientKind(str, Enum):
    internal = "internal"  # a team of the controller
    processor = "processor"  # art. 28
    third_party = "third_party"  # an independent controller
    joint_controller = "joint_controller"  # art. 26
    group_company = "group_company"
    public_body = "public_body"


class Recipient(_Model):
    """Who receives personal data (art. 4(9); art. 13(1)(e))."""

    key: Slug
    name: Text
    kind: RecipientKind
    dpa: bool | None = Field(None, description="Processors only: an art. 28 contract is in place.")
    country: CountryCode | None = Field(None, description="Where it processes the data.")
    description: Text | None = None
    contact: Text | None = Field(None, description="Where to send art. 19 notices (email or webhook URL).")
    source_quote: SourceQuote = None


class ConsentSettings(_Model):
    """How a consent-based purpose asks and remembers."""

    remember_for: IsoDuration = Field("P6M", description="How long a choice (consent or refusal) is kept before asking again.")
    soft_opt_in: bool = Field(False, description="Existing customers, similar products (CPCE L34-5): opt-out instead of opt-in.")
    pre_ticked: bool = Field(False, description="The notice subscribes people unless they refuse (seed 003's newsletter).")
    source_quote: SourceQuote = None


class Purpose(_Model):
    """One purpose of an activity, with its legal basis (art. 5(1)(b), art. 6)."""

    use: Key = Field(description="A fideslang data-use key, e.g. marketing.communications.email.")
    legal_basis: LegalBasis
    description: Text | None = None
    legitimate_interest: Text | None = Field(None, description="Art. 13(1)(d): the interest pursued, when the basis is legitimate_interests.")
    legal_reference: Text | None = Field(None, description="The law, when the basis is legal_obligation or public_task.")
    withdrawal_channels: list[Channel] = Field(default_factory=list, description="Consent purposes: how to withdraw (art. 7(3)).")
    objection_channels: list[Channel] = Field(default_factory=list, description="How to object (art. 21).")
    consent: ConsentSettings | None = None
    requires_live_contract: bool = Field(False, description="Contract purposes: allowed only while a contract runs.")
    source_quote: SourceQuote = None


class CategoryUse(_Model):
    """A data category an activity processes, with where it comes from."""

    key: Key = Field(description="A fideslang data-category key (or a custom one declared under taxonomy).")
    source: DataSource = DataSource.provided
    mandatory: bool | None = Field(None, description="Whether the person must provide it (art. 13(2)(e)).")
    if_not_provided: Text | None = Field(None, description="What happens if the person does not provide it.")
    stored: bool = Field(True, description="False when the data passes through but is never kept (e.g. a card security code).")
    special_category_basis: SpecialCategoryBasis | None = Field(None, description="Art. 9(2) basis, for special categories.")
    source_name: Text | None = Field(None, description="Art. 14(2)(f): the source, when not the person.")
    description: Text | None = None
    source_quote: SourceQuote = None

    @model_validator(mode="before")
    @classmethod
    def _from_key(cls, value: Any) -> Any:
        return {"key": value} if isinstance(value, str) else value


class Safeguard(str, Enum):
    """Chapter V grounds for a transfer outside the EEA."""

    adequacy = "adequacy"  # art. 45 (includes the EU-US Data Privacy Framework)
    standard_contractual_clauses = "standard_contractual_clauses"  # art. 46(2)(c)
    binding_corporate_rules = "binding_corporate_rules"  # art. 47
    code_of_conduct = "code_of_conduct"  # art. 46(2)(e)
    certification = "certification"  # art. 46(2)(f)
    explicit_consent = "explicit_consent"  # art. 49(1)(a)
    contract_necessity = "contract_necessity"  # art. 49(1)(b)-(c)
    legal_claims = "legal_claims"  # art. 49(1)(e)
    none = "none"  # stated by the notice: no safeguard


class Transfer(_Model):
    """A transfer of personal data outside the EEA (art. 13(1)(f), art. 44-49)."""

    country: CountryCode
    recipient: Slug = Field(description="Key of a recipient of this register.")
    safeguard: Safeguard | None = None
    reference: Text | None = Field(None, description="Where the safeguard can be consulted.")
    categories: list[Key] = Field(default_factory=list)
    source_quote: SourceQuote = None


class AutomatedDecision(_Model):
    """A decision based solely on automated processing (art. 22; art. 13(2)(f))."""

    key: Slug
    description: Text
    logic: Text | None = Field(None, description="Meaningful information about the logic involved.")
    significance: Text | None = Field(None, description="The envisaged consequences for the person.")
    human_review: Channel | None = Field(None, description="How a person obtains human intervention (art. 22(3)).")
    review_within: IsoDuration | None = Field(None, description="How fast a human review is answered.")
    source_quote: SourceQuote = None


class Activity(_Model):
    """A processing activity of the art. 30 record."""

    key: Slug
    name: Text
    description: Text | None = None
    data_subjects: list[Key] = Field(default_factory=list, description="fideslang data-subject keys: customer, prospect, visitor...")
    purposes: list[Purpose] = Field(min_length=1)
    data_categories: list[CategoryUse] = Field(default_factory=list)
    recipients: list[Slug] = Field(default_factory=list, description="Keys of this register's recipients.")
    transfers: list[Transfer] = Field(default_factory=list)
    automated_decisions: list[AutomatedDecision] = Field(default_factory=list)
    source_quote: SourceQuote = None


class RetentionClock(str, Enum):
    """What starts a retention period."""

    collection = "collection"
    last_contact = "last_contact"
    last_activity = "last_activity"
    last_order = "last_order"
    order_completed = "order_completed"
    contract_end = "contract_end"
    account_deletion = "account_deletion"
    transaction_date = "transaction_date"
    request_resolved = "request_resolved"
    consent_given = "consent_given"
    consent_withdrawn = "consent_withdrawn"
    objection_made = "objection_made"
    end_of_collection_year = "end_of_collection_year"
    event_end = "event_end"


class RetentionAction(str, Enum):
    delete = "delete"
    anonymize = "anonymize"
    archive = "archive"  # intermediate archive (CNIL 'archivage intermédiaire'), then delete


class OpenEvent(str, Enum):
    """Events that, while open, keep data whatever its period says."""

    security_incident = "security_incident"
    dispute = "dispute"
    legal_proceedings = "legal_proceedings"
    unresolved_request = "unresolved_request"


class Recontact(_Model):
    """Ask the person before the data goes (e.g. 'after 3 years we may ask if you want to continue')."""

    after: IsoDuration
    channel: ChannelKind = ChannelKind.email
    notify: bool = Field(False, description="Send the notice by email, not only list the people.")
    answer_within: IsoDuration = Field("P1M", description="How long the person has to answer: the rows are "
                                       "kept until then (retention never deletes before the person was asked).")
    source_quote: SourceQuote = None


class RetentionRule(_Model):
    """How long some data is kept, what starts the clock, and what happens at the end."""

    key: Slug
    activities: list[Slug] = Field(min_length=1, description="Activities whose data this rule covers.")
    categories: list[Key] = Field(default_factory=list, description="Limit to these categories (and their sub-keys); empty means all the activities' categories.")
    data_subjects: list[Key] = Field(default_factory=list, description="Limit to these data subjects (e.g. prospect).")
    duration: IsoDuration | None = Field(None, description="The period; absent only for rules that keep data while an event is open.")
    clock: RetentionClock | None = Field(None, description="What starts the period.")
    action: RetentionAction = RetentionAction.delete
    archive_for: IsoDuration | None = Field(None, description="With action archive: how long the archive keeps the data before deletion.")
    legal_basis: LegalBasis | None = Field(None, description="The basis for keeping the data this long.")
    legal_reference: Text | None = Field(None, description="The law that requires keeping, e.g. 'Code de commerce, art. L123-22'.")
    while_open: OpenEvent | None = Field(None, description="Keep the data while such an event is open (a hold), whatever the period.")
    minimum: bool = Field(False, description="The period is a minimum ('at least 3 years'): data may be kept longer.")
    aggregate_before_delete: bool = Field(False, description="Keep non-identifying aggregates before the rows go.")
    recontact: Recontact | None = None
    description: Text | None = None
    source_quote: SourceQuote = None

    @model_validator(mode="after")
    def _period_is_complete(self) -> "RetentionRule":
        if self.duration is None and self.while_open is None:
            raise ValueError("a retention rule needs a duration (or while_open for a rule that keeps data while an event is open)")
        if self.duration is not None and self.clock is None:
            raise ValueError("a retention rule with a duration needs a clock: what starts the period")
        if self.archive_for is not None and self.action is not RetentionAction.archive:
            raise ValueError("archive_for is only meaningful with action: archive")
        if (
            self.legal_basis is LegalBasis.legal_obligation
            and self.duration is not None
            and Duration.parse(self.duration).is_zero()
        ):
            raise ValueError("a legal-obligation retention rule cannot have a zero duration: the law names a period")
        return self


class CookieCategory(str, Enum):
    strictly_necessary = "strictly_necessary"
    functional = "functional"
    analytics = "analytics"
    advertising = "advertising"
    social = "social"
    partners = "partners"


class ConsentMechanism(str, Enum):
    banner = "banner"  # an explicit choice (CNIL 2020 guidelines)
    continued_browsing = "continued_browsing"  # not valid consent
    browser_settings = "browser_settings"  # not valid consent on its own
    none = "none"


class CookiePolicy(_Model):
    consent_mechanism: ConsentMechanism = ConsentMechanism.banner
    remember_choice_for: IsoDuration = "P6M"
    source_quote: SourceQuote = None


class Cookie(_Model):
    """A cookie or tracker placed on the person's device (ePrivacy art. 5(3); Loi I&L art. 82)."""

    name: Text
    provider: Text = Field(description="Who sets it: the controller or a recipient's key or name.")
    category: CookieCategory
    purpose: Text = Field(description="What it is for, in plain words.")
    lifetime: IsoDuration | None = None
    exempt: bool = Field(False, description="Exempt from consent (strictly necessary, or CNIL-exempt audience measurement).")
    activity: Slug | None = Field(None, description="The activity whose consent purpose covers it (not exempt cookies).")
    source_quote: SourceQuote = None


class ExtensionPolicy(_Model):
    allowed: IsoDuration = Field("P2M", description="How much longer a complex request may take (art. 12(3)).")
    condition: Text | None = None


class IdentityProof(str, Enum):
    always = "always"  # an ID document with every request
    on_reasonable_doubt = "on_reasonable_doubt"  # art. 12(6)
    never = "never"


class Right(str, Enum):
    access = "access"  # art. 15
    rectification = "rectification"  # art. 16
    erasure = "erasure"  # art. 17
    restriction = "restriction"  # art. 18
    portability = "portability"  # art. 20
    objection = "objection"  # art. 21
    withdraw_consent = "withdraw_consent"  # art. 7(3)
    human_review = "human_review"  # art. 22(3)
    complaint = "complaint"  # art. 77
    post_mortem_directives = "post_mortem_directives"  # Loi I&L art. 85


class RightsSettings(_Model):
    """How data-subject requests are received and answered (art. 12)."""

    response_deadline: IsoDuration = "P1M"
    extension: ExtensionPolicy = Field(default_factory=ExtensionPolicy)
    identity_proof: IdentityProof = IdentityProof.on_reasonable_doubt
    identity_proof_method: Text | None = None
    channels: list[Channel] = Field(default_factory=list)
    offered: list[Right] = Field(default_factory=list, description="The rights the notice tells people about.")
    fee_policy: Text | None = Field(None, description="Free, with a reasonable fee or refusal for manifestly unfounded or excessive requests (art. 12(5)).")
    source_quote: SourceQuote = None


class Register(_Model):
    """One controller's register of processing activities."""

    egide: int = Field(FORMAT_VERSION, description="The register format version.")
    policy: Policy
    controller: Controller
    dpo: DataProtectionOfficer | None = None
    supervisory_authority: SupervisoryAuthority | None = None
    statements: list[Statement] = Field(default_factory=list)
    taxonomy: CustomTaxonomy = Field(default_factory=CustomTaxonomy)
    recipients: list[Recipient] = Field(default_factory=list)
    activities: list[Activity] = Field(min_length=1)
    retention: list[RetentionRule] = Field(default_factory=list)
    cookie_policy: CookiePolicy | None = None
    cookies: list[Cookie] = Field(default_factory=list)
    rights: RightsSettings = Field(default_factory=RightsSettings)

    def activity(self, key: str) -> Activity | None:
        return next((a for a in self.activities if a.key == key), None)

    def recipient(self, key: str) -> Recipient | None:
        return next((r for r in self.recipients if r.key == key), None)

    def all_transfers(self) -> list[tuple[Activity, Transfer]]:
        return [(a, t) for a in self.activities for t in a.transfers]
