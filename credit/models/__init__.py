from .audit import AuditEvent, AuditHead
from .facts import (
    FACT_MODELS,
    AppendOnlyError,
    BlacklistEntry,
    CaseSeverity,
    Certificate,
    Certification,
    CertificationType,
    CheckResult,
    EnforcementCase,
    Inspection,
    Sampling,
    SamplingPlan,
)
from .grades import (
    ChangeKind,
    CreditGrade,
    GradeChoices,
    Restriction,
    RestrictionChange,
    RestrictionSource,
    Scenario,
    ScoringPolicy,
)
from .officers import OfficerProfile
from .producers import ProductCategory, Producer, ProducerKind
from .regions import Region, RegionLevel
from .reviews import Objection, RepairApplication, RepairStatus, ReviewStatus

__all__ = [
    "FACT_MODELS",
    "AppendOnlyError",
    "AuditEvent",
    "AuditHead",
    "BlacklistEntry",
    "CaseSeverity",
    "Certificate",
    "Certification",
    "CertificationType",
    "ChangeKind",
    "CheckResult",
    "CreditGrade",
    "EnforcementCase",
    "GradeChoices",
    "Inspection",
    "Objection",
    "OfficerProfile",
    "ProductCategory",
    "Producer",
    "ProducerKind",
    "Region",
    "RegionLevel",
    "RepairApplication",
    "RepairStatus",
    "Restriction",
    "RestrictionChange",
    "RestrictionSource",
    "ReviewStatus",
    "Sampling",
    "SamplingPlan",
    "Scenario",
    "ScoringPolicy",
]
