from pagekit.listing import Badge, ListingMixin
from pagekit.sections import SectionIndexPage
from pagekit.vocabulary import BilingualNameMixin
from portal.complaints.models import (  # noqa: F401
    Complaint,
    ComplaintAttachment,
    ComplaintCategory,
    ComplaintEvent,
    ComplaintReply,
    ComplaintStatus,
)

from .base import CategoryListField, reading_minutes
from .content import (
    ArticleIndexPage,
    ArticlePage,
    PolicyDocument,
    PolicyIndexPage,
    PolicyKind,
    PolicyPage,
    PolicyStatus,
    RumourIndexPage,
    RumourRebuttalPage,
    RumourSource,
    StandardPage,
    Verdict,
)
from .data import (
    CountyLevel,
    CountyStatus,
    DataKind,
    DataPage,
    NoticeIndexPage,
    QualityCountyIndexPage,
    QualityCountyPage,
    UnqualifiedNoticePage,
)
from .home import HomePage, HomePageFeatured, HomePageSection
from .media import Video
from .site_settings import PortalSettings
from .taxonomy import Topic

__all__ = [
    "Video",
    "ArticleIndexPage",
    "ArticlePage",
    "Badge",
    "BilingualNameMixin",
    "CategoryListField",
    "CountyLevel",
    "CountyStatus",
    "DataKind",
    "DataPage",
    "HomePage",
    "HomePageFeatured",
    "HomePageSection",
    "ListingMixin",
    "NoticeIndexPage",
    "PolicyDocument",
    "PolicyIndexPage",
    "PolicyKind",
    "PolicyPage",
    "PolicyStatus",
    "PortalSettings",
    "QualityCountyIndexPage",
    "QualityCountyPage",
    "RumourIndexPage",
    "RumourRebuttalPage",
    "RumourSource",
    "SectionIndexPage",
    "StandardPage",
    "Topic",
    "UnqualifiedNoticePage",
    "Verdict",
    "reading_minutes",
]
